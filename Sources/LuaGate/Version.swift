/// The luagate version, sent as `User-Agent: luagate/<version>` and shown by `--version`.
public enum LuaGateVersion {
    public static let current = "0.1.0"
}
