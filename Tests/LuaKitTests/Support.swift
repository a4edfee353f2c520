import Foundation
import LuaKit
import Testing

extension LuaState {
    /// Loads `code` as chunk `name`, calls it with `arguments` through `call`
    /// and returns every result converted with `value(at:)`, restoring the stack.
    @discardableResult
    func run(_ code: String, _ arguments: [LuaValue] = [], name: String = "=test") throws -> [LuaValue] {
        let base = stack.top
        defer { stack.top = base }
        try load(code, name: name)
        for argument in arguments { stack.push(argument) }
        try call(arguments: Int32(arguments.count))
        var results: [LuaValue] = []
        var index = base + 1
        while index <= stack.top {
            results.append(try stack.value(at: index))
            index += 1
        }
        return results
    }

    /// Runs `code` expecting it to fail; returns the thrown `LuaError`.
    func failure(_ code: String, name: String = "=test") -> LuaError? {
        let base = stack.top
        defer { stack.top = base }
        do {
            try run(code, name: name)
            return nil
        } catch let error as LuaError {
            return error
        } catch {
            return nil
        }
    }
}

extension LuaValue {
    static func bytes(_ bytes: [UInt8]) -> LuaValue { .string(LuaString(bytes: bytes)) }
}

/// An error that raises the argument at `index` of the failing call (so that
/// Lua can check it gets back the very same table).
struct RaiseArgument: LuaErrorValue {
    var index: Int32
    func push(onto stack: LuaStack) { stack.pushValue(at: index) }
}

/// An error that raises a fresh copy of `value`.
struct RaiseValue: LuaErrorValue {
    var value: LuaValue
    func push(onto stack: LuaStack) { stack.push(value) }
}

/// Resident set size of this process in bytes (/proc/self/statm).
func residentBytes() throws -> Int {
    let statm = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
    let fields = statm.split(separator: " ")
    let pages = try #require(fields.count > 1 ? Int(fields[1]) : nil)
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
