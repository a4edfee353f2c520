extension StringProtocol {
    /// The text without leading and trailing white space (Unicode's `White_Space`, which
    /// includes line breaks). Plain Swift: `trimmingCharacters(in:)` goes through `NSString`,
    /// which is measurable in every run's start-up.
    func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
