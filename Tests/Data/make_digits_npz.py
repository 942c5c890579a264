"""Writes scikit-learn's bundled 8x8 digits (1,797 images, values 0..16) as a keras-convention .npz for ptrain.

    python make_digits_npz.py OUT.npz

x is float32 in [0, 1] (value / 16), shape (N, 8, 8); the first 1,500 images train, the other 297 test (sklearn's
order, which interleaves the writers); y is int64; class_names are '0'..'9'. Used by .ci/run for DigitsCLITests.
"""
import sys

import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
x = (digits.images / 16).astype(np.float32)
y = digits.target.astype(np.int64)
np.savez_compressed(
    sys.argv[1], x_train=x[:1500], y_train=y[:1500], x_test=x[1500:], y_test=y[1500:],
    class_names=np.array([str(k) for k in range(10)]))
