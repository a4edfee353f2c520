import FuzzHarnesses
import Foundation

/// libFuzzer's driver over one target, named by LUAGATE_FUZZ_TARGET (scripts/fuzz.sh sets it).
/// Built only with `-sanitize=fuzzer` (LUAGATE_FUZZ=1), which links libFuzzer.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

guard let name = ProcessInfo.processInfo.environment["LUAGATE_FUZZ_TARGET"], FuzzHarness.targets.contains(name) else {
    FileHandle.standardError.write(Data("set LUAGATE_FUZZ_TARGET to one of: \(FuzzHarness.targets.joined(separator: ", "))\n".utf8))
    exit(2)
}
nonisolated(unsafe) let harness = FuzzHarness()
nonisolated(unsafe) let target = name

/// One input (libFuzzer's own code refers to this name too).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    harness.run(target, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
