import Foundation

exit(Ptrain.main(arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
