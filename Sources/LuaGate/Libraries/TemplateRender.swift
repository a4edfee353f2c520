import CLuaShim

/// One render's state: in strict mode, the names interpolated without a value and those
/// whose value is a table, in render order; the partials being rendered; and whether the
/// render ran out of stack. One render on one thread fills it.
final class TemplateRender {
    let strict: Bool
    /// The partials' names, by the number their markers carry.
    let partials: [String]
    /// The names the partials' bodies are registered under in this render.
    let markers: PartialMarkers
    var missing: [String] = []
    var tables: [String] = []
    /// Set once the stack got too deep; from then on every lookup answers nil.
    private(set) var abandoned = false
    /// The partials being rendered, outermost first, as numbers into `partials`.
    private var active: [Int] = []
    /// `active` when the render gave up.
    private var activeWhenAbandoned: [Int] = []
    /// Lookups and list elements so far: each section, partial and value looks a name up and
    /// each element of a list renders a section once, so this counts the render's work
    /// (sections over lists nested in each other multiply it).
    private(set) var work = 0
    /// The most lookups and list elements a render may go through (about a second).
    static let maxWork = 1_000_000

    /// Counts the `count` elements a section is about to render.
    func iterating(_ count: Int) { work += count }

    /// Stack a render leaves untouched: what nesting with no lookup may take (``TemplateStack``),
    /// the unwinding and the caller's own work.
    let reserve: Int
    /// The deepest partials may include each other. Each level may nest the template's
    /// sections once more, and swift-mustache copies the context stack at each section, so
    /// memory grows with the square of the nesting: partials × section tags is kept under
    /// 4,000 (a partial with up to 15 section tags renders trees 256 deep, deeper than a
    /// context may nest). A partial's indentation also grows with each level.
    let maxPartialDepth: Int

    /// `sectionTags`: those of the template and its partials; `indentation`: the longest run of
    /// spaces or tabs in their texts (a standalone partial tag's indentation adds up level by
    /// level, and each level's output is measured again with it).
    init(strict: Bool, partials: [String], markers: PartialMarkers, reserve: Int, sectionTags: Int, indentation: Int) {
        self.strict = strict
        self.partials = partials
        self.markers = markers
        self.reserve = reserve
        maxPartialDepth = max(4, min(256, 4000 / max(1, sectionTags), 2000 / max(1, indentation)))
    }

    /// Whether the render must stop nesting. swift-mustache recurses once per section and
    /// partial, and each level looks a name up first (a partial its marker), so checking the
    /// stack left at each lookup bounds any recursion: partials that include themselves for as
    /// long as the data lets them, or forever.
    var tooDeep: Bool {
        if !abandoned && (lg_stack_remaining() < reserve || active.count > maxPartialDepth || work > Self.maxWork) {
            abandoned = true
            activeWhenAbandoned = active
        }
        return abandoned
    }

    /// Every node's answer for `name`, asked before its own `members`: a partial's markers are
    /// answered here (entering gives the body's name, or none once too deep, so the partial
    /// renders nothing and the recursion ends); once too deep, every other name answers nil.
    func lookUp(_ name: String, _ members: () -> Any?) -> Any? {
        work += 1
        switch PartialMarkers.marker(name) {
        case .enter(let index)? where partials.indices.contains(index):
            active.append(index)
            return tooDeep ? false : markers.bodyName(index)
        case .leave?:
            if !active.isEmpty { active.removeLast() }
            return false  // not nil: the lookup stops here, so it is answered once
        default:
            return tooDeep ? nil : members()
        }
    }

    /// The partials the render was going round when it gave up: the first one to be rendered
    /// again inside itself, back to itself (`p → q → p`); nil when none was.
    var cycle: [String]? {
        var firstSeen: [Int: Int] = [:]
        for (position, index) in activeWhenAbandoned.enumerated() {
            if let start = firstSeen[index] { return activeWhenAbandoned[start...position].map { partials[$0] } }
            firstSeen[index] = position
        }
        return nil
    }

    /// A `Missing` value for `path` in strict mode; nil otherwise.
    func miss(_ path: String) -> Any? { strict ? Missing(path: path, render: self) : nil }

    /// Notes a table interpolated at `path` (strict mode).
    func table(_ path: String) {
        if strict { tables.append(path) }
    }
}

/// How partials are registered so that a render always ends. Each partial's text is parsed as
/// its body under a hidden name, and its own name holds a wrapper of two standalone tags:
///
///     {{>*__luagate/enter/3}}
///     {{>*__luagate/leave}}
///
/// A dynamic partial's name is looked up in the context, so the first tag asks the render
/// for the body's name (``TemplateRender/lookUp(_:_:)``). swift-mustache renders a partial
/// whatever the data, so one that includes itself with no section in between would recurse
/// until the stack ran out; once the render is too deep it answers no name and the recursion
/// ends. The second tag tells the render the partial is done. Standalone tags render no text
/// and a partial's indentation carries through them, so the output is the body's own.
/// The markers hold `/`, which a variable or section name cannot, so no template's own name
/// is taken for one; the bodies' names are new for every render, so no data can name one
/// (a `{{>*name}}` reaching a body directly would skip the guard).
struct PartialMarkers {
    enum Marker: Equatable {
        case enter(Int)
        case leave
    }

    private static let prefix = "__luagate/"
    private static let enterPrefix = prefix + "enter/"
    private static let leaveName = prefix + "leave"

    /// Hidden names' start, unique to one render.
    private let hidden = "\u{0}luagate/\(UInt64.random(in: 0...UInt64.max))/"

    /// The text registered under the name of partial number `index`.
    static func wrapper(_ index: Int) -> String { "{{>*\(enterPrefix)\(index)}}\n{{>*\(leaveName)}}" }

    /// The hidden name the body of partial number `index` is registered under.
    func bodyName(_ index: Int) -> String { hidden + String(index) }

    /// What `name` marks, or nil for a name of the template's own.
    static func marker(_ name: String) -> Marker? {
        guard name.utf8.first == UInt8(ascii: "_"), name.hasPrefix(prefix) else { return nil }
        if name == leaveName { return .leave }
        guard name.hasPrefix(enterPrefix), let index = Int(name.dropFirst(enterPrefix.count)) else { return nil }
        return .enter(index)
    }
}
