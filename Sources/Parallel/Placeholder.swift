public enum ParallelPlaceholder {}
