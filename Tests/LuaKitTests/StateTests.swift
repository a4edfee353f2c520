import Foundation
import LuaKit
import Testing

@Suite("Calls and errors")
struct CallTests {
    @Test func runtimeErrorHasATraceback() throws {
        let state = LuaState()
        let error = try #require(state.failure("local x = nil\nreturn x.y", name: "=chunk"))
        #expect(error.status == .runtime)
        #expect(error.message.hasPrefix("chunk:2: attempt to index a nil value (local 'x')\nstack traceback:"))
        #expect(error.message.contains("stack traceback:"))
        #expect(state.stack.top == 0)
    }

    @Test func nonStringErrorValues() throws {
        let state = LuaState()
        let table = try #require(state.failure("error({code = 1})"))
        #expect(table.message.hasPrefix("(error object is a table value)\nstack traceback:"))

        let boolean = try #require(state.failure("error(false)"))
        #expect(boolean.message.hasPrefix("(error object is a boolean value)"))

        let nilError = try #require(state.failure("error()"))
        #expect(nilError.message.hasPrefix("(error object is a nil value)"))

        // As lua.c: __tostring gives the message (no traceback) ...
        let custom = try #require(state.failure("error(setmetatable({}, {__tostring = function() return 'custom' end}))"))
        #expect(custom.message == "custom")
        // ... unless the metatable is marked __luagate.
        let ours = try #require(state.failure(
            "error(setmetatable({}, {__luagate = true, __tostring = function() return 'ours' end}))"))
        #expect(ours.message.hasPrefix("ours\nstack traceback:"))

        // Numbers are converted as strings, with a traceback.
        let number = try #require(state.failure("error(42)"))
        #expect(number.message.hasPrefix("42\nstack traceback:"))
        #expect(state.stack.top == 0)
    }

    @Test func syntaxErrors() throws {
        let state = LuaState()
        let error = #expect(throws: LuaError.self) { try state.load("return +", name: "=broken") }
        #expect(error?.status == .syntax)
        #expect(error?.message.hasPrefix("broken:1:") == true)
        #expect(state.stack.top == 0)

        let named = #expect(throws: LuaError.self) { try state.load("x = = 1", name: "source") }
        #expect(named?.message.hasPrefix("[string \"source\"]:1:") == true)

        // Text mode only: a binary chunk is refused.
        let binary = #expect(throws: LuaError.self) { try state.load([0x1b, 0x4c, 0x75, 0x61], name: "=bin", mode: "t") }
        #expect(binary?.message.contains("attempt to load a binary chunk") == true)
        #expect(state.stack.top == 0)
    }

    @Test func loadFileSkipsTheShebangLine() throws {
        let state = LuaState()
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("luakit-\(UUID().uuidString).lua").path
        try "#!/usr/bin/env luagate\nreturn 1 + 1, ...\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try state.loadFile(path)
        state.stack.push("arg")
        try state.call(arguments: 1)
        #expect(try state.stack.value(at: 1) == 2)
        #expect(try state.stack.value(at: 2) == "arg")
        state.stack.pop(2)

        let missing = #expect(throws: LuaError.self) { try state.loadFile(path + ".missing") }
        #expect(missing?.status == .file)
        #expect(missing?.message.contains("cannot open") == true)
        #expect(state.stack.top == 0)
    }

    @Test func allocationFailureInLuaCodeIsAnOrdinaryError() throws {
        let state = LuaState()
        // No Swift frame is running: the allocator returns NULL instead of aborting.
        // io.read(n) allocates its n-byte buffer first; 2^50 bytes cannot be allocated.
        let results = try state.run("local f = io.tmpfile(); local ok, err = pcall(f.read, f, 1 << 50); f:close(); return ok, err")
        #expect(results == [false, "not enough memory"])
        let error = try #require(state.failure("return io.tmpfile():read(1 << 50)"))
        #expect(error.message.hasPrefix("not enough memory"))
        #expect(try state.run("return #('x'):rep(10)") == [10])
    }

    @Test func callWithFixedResults() throws {
        let state = LuaState()
        try state.load("return 1, 2, 3", name: "=r")
        try state.call(arguments: 0, results: 2)
        #expect(state.stack.top == 2)
        #expect(try state.stack.value(at: -1) == 2)
        state.stack.pop(2)
        try state.load("return ...", name: "=r")
        state.stack.push(.integer(9))
        try state.call(arguments: 1, results: 3)
        #expect(try [state.stack.value(at: 1), state.stack.value(at: 2), state.stack.value(at: 3)] == [9, nil, nil])
    }

    @Test func toStringHonoursMetamethods() throws {
        let state = LuaState()
        try state.load(
            """
            return setmetatable({}, {__tostring = function() return 'custom text' end}),
                   setmetatable({}, {__name = 'MyType'}),
                   setmetatable({}, {__tostring = function() error('broken') end}),
                   setmetatable({}, {__tostring = function() return {} end}),
                   42, 0.5, nil, true, '\\xff'
            """, name: "=tostring")
        try state.call(arguments: 0)
        #expect(state.stack.top == 9)
        #expect(state.toString(at: 1) == "custom text")
        #expect(state.toString(at: 2).hasPrefix("MyType: 0x"))
        #expect(state.toString(at: -8).hasPrefix("MyType: "))
        let broken = state.toString(at: 3)
        #expect(broken.hasPrefix("(error in __tostring: "))
        #expect(broken.contains("broken"))
        #expect(state.toString(at: 4) == "(error in __tostring: '__tostring' must return a string)")
        #expect(state.toString(at: 5) == "42")
        #expect(state.toString(at: 6) == "0.5")
        #expect(state.toString(at: 7) == "nil")
        #expect(state.toString(at: 8) == "true")
        #expect(state.toString(at: 9) == "\u{FFFD}")
        #expect(state.stack.top == 9)
        #expect(state.stack.type(at: 5) == .number)  // not converted in place
    }

    @Test func interruptStopsRunningCode() throws {
        let state = LuaState()
        state.setGlobal("interruptMe") { _ in
            // Test threads may block SIGINT (libdispatch workers do): unblock it
            // so that raise() runs the handler now, on this thread.
            var set = sigset_t()
            var old = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &set, &old)
            raise(SIGINT)  // the handler only sets a hook: Lua stops at the next instruction
            pthread_sigmask(SIG_SETMASK, &old, nil)
            return .none
        }
        // Bounded, so that a missing interrupt fails instead of hanging.
        try state.load("interruptMe(); for i = 1, 1e8 do end; return 'not interrupted'", name: "=loop")
        let error = #expect(throws: LuaError.self) { try state.call(catchInterrupt: true) }
        #expect(error?.message.contains("interrupted!") == true)
        #expect(state.stack.top == 0)
        // The hook is gone: the state still runs code.
        #expect(try state.run("return 1") == [1])
    }
}

@Suite("Modules")
struct ModuleTests {
    @Test func requireStandardModule() throws {
        let state = LuaState()
        try state.require("string")
        #expect(state.stack.type(at: -1) == .table)
        #expect(state.stack.top == 1)
        try state.setGlobal("loaded")
        #expect(try state.run("return loaded == string, loaded.upper('x')") == [true, "X"])
    }

    @Test func requireMissingModule() throws {
        let state = LuaState()
        let error = #expect(throws: LuaError.self) { try state.require("nope") }
        #expect(error?.status == .runtime)
        #expect(error?.message.contains("module 'nope' not found") == true)
        #expect(state.stack.top == 0)
    }

    @Test func requireWithoutLibraries() throws {
        let state = LuaState(openLibraries: false)
        let error = #expect(throws: LuaError.self) { try state.require("string") }
        #expect(error?.message.contains("attempt to call a nil value") == true)
        #expect(state.stack.top == 0)
        #expect(try state.run("return print, 1 + 1") == [.nil, 2])
    }

    /// Debian's lua-cjson is a C module loaded with dlopen: it needs the
    /// dynamically linked liblua5.4, and its null is the `.null` sentinel.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/lua/5.4/cjson.so")))
    func requireDebianCModule() throws {
        let state = LuaState()
        let results = try state.run("local cjson = require('cjson'); return cjson.decode('[1, null, \"x\"]'), cjson.null")
        #expect(results == [.array([.number(1), .null, "x"]), .null])  // cjson decodes numbers as floats
        #expect(try state.run("return require('cjson').encode(...)", [.array([.null])]) == ["[null]"])
    }
}

@Suite("Warnings", .serialized)
struct WarningTests {
    /// Runs `body` with fd 2 redirected to a pipe; returns what was written.
    private func captureStandardError(_ body: () throws -> Void) throws -> String {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        // Other tests may write to fd 2 meanwhile: never block on a full pipe.
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        fflush(nil)
        let saved = dup(2)
        try #require(saved >= 0)
        dup2(fds[1], 2)
        close(fds[1])
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
        }
        do {
            try body()
        } catch {
            close(fds[0])
            throw error
        }
        fflush(nil)
        dup2(saved, 2)  // closes the pipe's last write end
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        close(fds[0])
        return String(decoding: output, as: UTF8.self)
    }

    @Test func warningsAreOffByDefaultAndCanBeTurnedOn() throws {
        let state = LuaState()
        let output = try captureStandardError {
            try state.run("warn('hidden one')")
            try state.run("warn('@on'); warn('a', 'b'); warn('@unknown'); warn('c')")
            try state.run("warn('@off'); warn('hidden two'); warn('@on', 'xyzzy')")
        }
        #expect(!output.contains("hidden"))
        #expect(output.contains("Lua warning: ab\n"))
        #expect(output.contains("Lua warning: c\n"))
        #expect(!output.contains("@unknown"))
        #expect(!output.contains("@on"))
        #expect(!output.contains("xyzzy"))
    }
}
