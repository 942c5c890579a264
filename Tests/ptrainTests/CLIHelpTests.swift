import Foundation
import Model
import Testing

/// `--version` and help: stdout, exit status 0.
@Suite("help and version, end to end")
struct CLIHelpTests {
    @Test func version() throws {
        #expect(try PtrainProcess.run("--version") == ProcessResult(status: 0, stdout: "ptrain 0.1.0\n", stderr: ""))
    }

    @Test func topLevelHelp() throws {
        let expected = """
            USAGE: ptrain <subcommand> [options]

            ptrain trains a three-layer spiking neural network (spike inputs, leaky integrate-and-fire hidden
            and output neurons) on MNIST with VPSNN's voltage-driven, STDP-like plasticity, on every core of one
            machine or, with MPI, of several. One seed determines a run: the thread and process counts never
            change a number.

            SUBCOMMANDS:
              train                 Train a network on MNIST or your own data and write a run directory
              eval                  Evaluate a checkpoint or weights file on a test set (MNIST by default)
              inspect               Show what a checkpoint or weights file holds
              sweep                 Train one run per hidden size and seed and tabulate and plot the results
              compare               Compare two runs or sweeps image by image (McNemar's test)
              report                Draw a run's learning curve, confusion matrix and learned weights
              average               Average the weights of a run's epoch checkpoints
              export                Export a trained network as NumPy arrays (npz) or a NIR graph
              predict               Classify images with a trained network: classes and spike counts as CSV
              fetch-data            Download the MNIST files
              bench                 Measure kernel speed and training throughput on this machine
              help [SUBCOMMAND]     Show the help of a subcommand, or this help

            OPTIONS:
              --version             Print the version and exit
              -h, --help            Show this help and exit

            See 'ptrain <subcommand> --help' for the options of a subcommand.

            """
        #expect(try PtrainProcess.run("--help") == ProcessResult(status: 0, stdout: expected, stderr: ""))
        #expect(try PtrainProcess.run("-h").stdout == expected)
        #expect(try PtrainProcess.run("help").stdout == expected)
    }

    @Test func trainHelpListsEveryConfigurationKey() throws {
        let result = try PtrainProcess.run("train", "--help")
        #expect(result.status == 0 && result.stderr == "")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.first
                == "USAGE: ptrain train [--config FILE] [--KEY VALUE ...] [--threads N] [--out DIR] [--data DIR]")
        for key in RunConfig.keys {
            let entry = "  --\(key.flag) \(key.valueName)"
            // An entry too wide for the option column stands alone on its line, its text on the lines below.
            guard let index = lines.firstIndex(where: { $0 == entry || $0.hasPrefix(entry + " ") }) else {
                Issue.record("no help line for --\(key.flag)")
                continue
            }
            let continuation = lines[(index + 1)...].prefix { $0.hasPrefix(String(repeating: " ", count: 24)) }
            let text = ([lines[index]] + continuation.map { " " + $0.trimmingCharacters(in: .whitespaces) }).joined()
            #expect(text.hasSuffix("(default: \(key.jsonValue(in: RunConfig())))"), "\(text)")
        }
        for option in ["--config FILE", "--threads N", "--out DIR", "--data DIR|FILE", "-h, --help"] {
            #expect(lines.contains { $0.hasPrefix("  \(option) ") }, "no help line for \(option)")
        }
        #expect(lines.allSatisfy { $0.count <= 100 }, "a line is wider than 100 columns")
    }

    @Test func everySpellingOfSubcommandHelpIsTheSame() throws {
        for command in [
            "train", "eval", "inspect", "sweep", "compare", "report", "average", "export", "fetch-data", "bench",
        ] {
            let help = try PtrainProcess.run(command, "--help")
            #expect(help.status == 0 && help.stdout.hasPrefix("USAGE: ptrain \(command) "))
            #expect(try PtrainProcess.run(command, "-h") == help)
            #expect(try PtrainProcess.run("help", command) == help)
            // Help wins over anything else on the line, as in swift-argument-parser.
            #expect(try PtrainProcess.run(command, "--bogus", "--help") == help)
        }
    }
}
