# SPDX-License-Identifier: GPL-2.0-only
"""Writes a fuzzer's seed corpus: one file per named seed (make-seeds*.py)."""
import os


def write(out_dir, seeds):
    """Writes each seed's bytes to out_dir/NAME, making the folder."""
    os.makedirs(out_dir, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
