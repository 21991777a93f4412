// Swift tests of the generated bindings: the same scenarios as tests/kotlin,
// against the scripted backend (`APPSWITCH_TEST_BACKEND`), run by
// `cargo xtask test swift` where a Swift toolchain exists.
import Foundation

argumentTests()
trackerTests()
coldStartTests()
returnCheckTests()
hostFailureTests()

print("Swift binding tests (\(cases.count))")
var failed = 0
for (name, body) in cases {
    do {
        try await body()
        print("  ok   \(name)")
    } catch {
        failed += 1
        print("  FAIL \(name): \(error)")
    }
}
print("swift: \(cases.count - failed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
