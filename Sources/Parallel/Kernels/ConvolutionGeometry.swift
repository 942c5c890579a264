/// The geometry of a two-dimensional convolution or locally connected layer (issue #15), as the convolution
/// kernels see it: activations channels-last, `[row][column][channel]`, and weights `[kernelRow][kernelColumn]
/// [inputChannel][outputChannel]` (TensorFlow's HWIO), so the output channels of one position are contiguous
/// vectors and every kernel is SIMD over output channels.
///
/// Output position (oy, ox) sees the inputs (oy·stride + ky − padding, ox·stride + kx − padding) for ky, kx in
/// the kernel; positions outside the input are zero padding and contribute nothing. With `sharing = .shared` one
/// kernel serves every output position (a convolution); with `.local` each position has its own kernel (a
/// locally connected layer: unshared receptive fields), stored position after position, row-major.
public struct ConvolutionGeometry: Sendable, Equatable {
    /// Whether the output positions share one kernel.
    public enum Sharing: Sendable, Equatable {
        /// One kernel for every position (`conv`).
        case shared
        /// A kernel per output position (`local`).
        case local
    }

    public let inputRows: Int
    public let inputColumns: Int
    public let inputChannels: Int
    public let kernelRows: Int
    public let kernelColumns: Int
    public let stride: Int
    public let padding: Int
    /// A multiple of `Kernels.lanes` (callers pad with zero channels, which stay zero).
    public let outputChannels: Int
    public let sharing: Sharing

    /// - Precondition: every size ≥ 1, padding ≥ 0 and below the kernel's sides, the padded input at least the
    ///   kernel's size, `outputChannels` a multiple of 16. The layer specification checks these with errors
    ///   naming the layer before anything reaches a kernel.
    public init(
        inputRows: Int, inputColumns: Int, inputChannels: Int, kernelRows: Int, kernelColumns: Int, stride: Int,
        padding: Int, outputChannels: Int, sharing: Sharing
    ) {
        precondition(
            inputRows >= 1 && inputColumns >= 1 && inputChannels >= 1 && kernelRows >= 1 && kernelColumns >= 1
                && stride >= 1 && padding >= 0 && padding < kernelRows && padding < kernelColumns,
            "convolution: sizes must be positive and padding below the kernel's sides")
        precondition(
            inputRows + 2 * padding >= kernelRows && inputColumns + 2 * padding >= kernelColumns,
            "convolution: the kernel is larger than the padded input")
        precondition(
            outputChannels >= Kernels.lanes && outputChannels % Kernels.lanes == 0,
            "convolution: output channels \(outputChannels) must be a multiple of 16")
        self.inputRows = inputRows
        self.inputColumns = inputColumns
        self.inputChannels = inputChannels
        self.kernelRows = kernelRows
        self.kernelColumns = kernelColumns
        self.stride = stride
        self.padding = padding
        self.outputChannels = outputChannels
        self.sharing = sharing
    }

    public var outputRows: Int { (inputRows + 2 * padding - kernelRows) / stride + 1 }
    public var outputColumns: Int { (inputColumns + 2 * padding - kernelColumns) / stride + 1 }
    /// Floats of one input sample: rows × columns × channels.
    public var inputCount: Int { inputRows * inputColumns * inputChannels }
    /// Floats of one output sample.
    public var outputCount: Int { outputRows * outputColumns * outputChannels }
    /// Floats of one kernel: kernel rows × kernel columns × input channels × output channels.
    public var kernelCount: Int { kernelRows * kernelColumns * inputChannels * outputChannels }
    /// Floats of all weights: one kernel, or one per output position.
    public var weightCount: Int { sharing == .shared ? kernelCount : kernelCount * outputRows * outputColumns }
    /// Whether this is a fully connected layer: a 1 × 1 image whose one pixel has every input as a channel, a
    /// 1 × 1 kernel (the matrix `[input][output]`). The kernels take shorter paths for it, with the same bits.
    public var isFullyConnected: Bool {
        inputRows == 1 && inputColumns == 1 && kernelRows == 1 && kernelColumns == 1 && padding == 0
    }

    /// Rows of `outputChannels` weights: (position block, kernel row, kernel column, input channel), in the
    /// order the weights are stored (one position block for a shared kernel, one per position for `local`).
    public var weightRows: Int { weightCount / outputChannels }
    /// Multiply-adds of one sample's dense forward pass (each output channel of each position over its kernel):
    /// what the bench's GFLOP/s count, twice.
    public var multiplyAdds: Int { outputRows * outputColumns * kernelCount }

    /// Where position (oy, ox)'s kernel starts in the weights.
    @inline(__always)
    func kernelOffset(row oy: Int, column ox: Int) -> Int {
        sharing == .shared ? 0 : (oy &* outputColumns &+ ox) &* kernelCount
    }
}
