import Foundation

exit(Ptrain.main().rawValue)
