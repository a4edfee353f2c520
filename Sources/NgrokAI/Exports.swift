@_exported import NgrokAICatalogue
