import CLua
import CLuaShim
import LuaKit
import Testing

/// Running out of memory: Lua's emergency collection gets its chance before the
/// allocator gives up, also while a Swift function is on the stack.
@Suite struct OutOfMemoryTests {
    /// 8 MB of garbage under an 8 MB allowance: a Swift function that needs 4 MB gets
    /// it after the emergency collection (the allocator aborted the process at the
    /// first failure before).
    @Test func aSwiftFunctionsAllocationWaitsForTheEmergencyCollection() throws {
        let state = LuaState()
        defer { state.close() }
        state.setGlobal("bigstring") { call in
            call.stack.push(bytes: [UInt8](repeating: 0x61, count: 4 << 20))
            return .one
        }
        try state.run("collectgarbage('stop')")
        lg_set_memory_limit(state.L, try Self.bytesInUse(state) + (8 << 20))
        defer { lg_set_memory_limit(state.L, 0) }
        let results = try state.run("""
            for i = 1, 7 do local garbage = string.rep('x', 1 << 20) end
            return #bigstring()
            """)
        #expect(results == [.integer(4 << 20)])
    }

    /// Lua code itself still gets Lua's ordinary memory error when nothing can be freed.
    @Test func luaCodeGetsTheOrdinaryMemoryError() throws {
        let state = LuaState()
        defer { state.close() }
        lg_set_memory_limit(state.L, try Self.bytesInUse(state) + (1 << 20))
        defer { lg_set_memory_limit(state.L, 0) }
        let results = try state.run("""
            local kept = {}
            local ok, err = pcall(function() for i = 1, 100 do kept[i] = string.rep('y', 1 << 16) .. i end end)
            kept = nil
            collectgarbage()
            return ok, err
            """)
        #expect(results == [.boolean(false), .string("not enough memory")])
    }

    static func bytesInUse(_ state: LuaState) throws -> Int {
        guard case .number(let kilobytes) = try state.run("return collectgarbage('count')").first else { return 0 }
        return Int(kilobytes * 1024) + 4096
    }
}
