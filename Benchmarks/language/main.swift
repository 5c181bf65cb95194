// Measures check + plan of a generated molecule: 1,000 packets and 2,000 bonds.
//
//   swift build -c release --scratch-path .build-lang --product LanguageBenchmark
//   .build-lang/release/LanguageBenchmark [runs]
//
// Prints each run and the median; exits 1 if the generated molecule does not check.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketFlowLanguage

let packetCount = 1_000
let bondCount = 2_000
let groups = ["CF", "DF", "ED", "CO", "MC", "RM"]

/// A valid molecule: an ionic spine, ionic skips, metallic and weak bonds on distinct pairs.
func generatedMolecule() -> String {
    var text = "// Generated: \(packetCount) packets, \(bondCount) bonds.\n"
    for index in 0..<packetCount {
        let group = groups[index % groups.count]
        text += "packet P\(index) { group: \(group), handler: swift(\"p\(index)\"), cost: \(index % 7), timeout: 5s }\n"
    }
    var bonds: [String] = []
    for index in 0..<(packetCount - 1) { bonds.append("{P\(index), P\(index + 1), :ionic}") }
    var offset = 3
    outer: while true {
        for index in stride(from: 0, to: packetCount - offset, by: 1) where (index + offset) % 3 == 0 {
            let kind = offset % 3 == 0 ? "metallic" : (offset % 3 == 1 ? "ionic" : "weak")
            bonds.append("{P\(index), P\(index + offset), :\(kind)}")
            if bonds.count == bondCount { break outer }
        }
        offset += 1
    }
    text += "molecule Generated {\n  composition: [\n"
    text += (0..<packetCount).map { "    P\($0)," }.joined(separator: "\n")
    text += "\n  ],\n  bonds: [\n"
    text += bonds.map { "    \($0)," }.joined(separator: "\n")
    text += "\n  ],\n}\n"
    return text
}

/// `12.34 ms`.
func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let hundredths = (seconds * 1_000 * 100) + attoseconds / 10_000_000_000_000
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) ms"
}

let runs = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 15 : 15
let source = generatedMolecule()
let clock = ContinuousClock()
var checks: [Duration] = []
var plans: [Duration] = []
var totals: [Duration] = []
for run in 0...runs {
    let start = clock.now
    let program = MoleculeProgram.parse(source, name: "generated.pf")
    let checked = clock.now
    let plan: TopologyPlan
    do {
        plan = try program.plan()
    } catch {
        print(program.renderedDiagnostics().split(separator: "\n").prefix(20).joined(separator: "\n"))
        print("error: \(error.message)")
        exit(1)
    }
    let planned = clock.now
    if run == 0 {
        print("molecule: \(source.utf8.count) bytes, \(plan.stages.count) stages, \(plan.topics.count) topics, "
            + "\(plan.stateStores.count) state stores, \(plan.placementHints.count) placement hints")
        continue  // the first run warms caches and is not counted
    }
    checks.append(checked - start)
    plans.append(planned - checked)
    totals.append(planned - start)
    print("run \(run): check \(milliseconds(checked - start)), plan \(milliseconds(planned - checked)), "
        + "total \(milliseconds(planned - start))")
}

func median(_ timings: [Duration]) -> Duration { timings.sorted()[timings.count / 2] }
print("median of \(runs) runs: check \(milliseconds(median(checks))), plan \(milliseconds(median(plans))), "
    + "check + plan \(milliseconds(median(totals)))")
