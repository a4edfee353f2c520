import Foundation
import Testing

/// Inputs that once crashed the process, driven through the real binary: each must end in a
/// clear message and an exit status below 128.
@Suite struct HardeningTests {
    /// A 100,000-character id after a request on the same connection used to make the HTTP
    /// client trap (the server answered the oversized head before it was written); ids and
    /// request URLs are now bounded before anything is sent, and messages quote long values short.
    @Test func hugeIDsAndQueriesAreRefusedBeforeSending() throws {
        let api = try APIHarness()
        let r = try api.luagate(["-e", """
            print(pcall(providerKeys.get, "x"))
            local ok, e = pcall(providerKeys.update, ("x"):rep(100000), {name = "a"})
            print(ok, e.code, e.field, #tostring(e) < 200, tostring(e))
            print(pcall(providerKeys.list, {provider = ("p"):rep(20000)}))
            local ok2, e2 = pcall(providerKeys.get, ("y"):rep(1000))
            print(ok2, e2.status, #tostring(e2) < 400)
            print("alive")
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("false\tvalidation\tid\ttrue\tbad argument #1 to 'update' (id: at most 1024 characters (got 100000))"), "\(r.stdout)")
        #expect(r.stdout.contains("the request URL would be 20024 bytes long (at most 8192)"))
        #expect(r.stdout.contains("false\t404\ttrue"))
        #expect(r.stdout.hasSuffix("alive\n"))
        #expect(api.requests("PATCH").isEmpty)
        #expect(api.server.requestLog.entries().count == 2, "the huge id and query were never sent")
    }
}
