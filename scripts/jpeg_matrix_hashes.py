"""Hash frame64's JPEG output over an option matrix, checking the fallback agrees.

Used by scripts/check-libjpeg-turbo3.sh to show that the C++ path gives the
same bytes against libjpeg-turbo 2.1 and 3.x, and equals the fallback
(PyTurboJPEG 1.8 on 2.x, PyTurboJPEG 2.x on 3.x) on each.

    python scripts/jpeg_matrix_hashes.py OUT.json
"""

import hashlib
import itertools
import json
import sys

import frame64
import frame64._fallback as fb
import frame64._options as o
from frame64._sample import camera_frame

img = camera_frame(67, 93)
out = {}
for pf, arr in [("BGR", img), ("RGB", img), ("GRAY", img[..., 0]), ("BGRA", camera_frame(67, 93, 4))]:
    for ss, q, fd, pr in itertools.product(o.SUBSAMPLINGS, (1, 50, 90, 95, 96, 100), (False, True), (False, True)):
        s = frame64.encode(arr, pixel_format=pf, subsampling=ss, quality=q, fast_dct=fd, progressive=pr)
        opts = o.jpeg_options(quality=q, subsampling=ss, pixel_format=pf, fast_dct=fd, progressive=pr, data_uri=False)
        f = fb.encode_jpeg(o.prepare_image(arr, pf), opts.tjpf, q, opts.tjsamp, fd, pr, False)
        assert s == f, (pf, ss, q, fd, pr)
        out[f"{pf}/{ss}/{q}/{fd}/{pr}"] = hashlib.sha256(s.encode()).hexdigest()
print("backend", frame64.backend, "cases", len(out), file=sys.stderr)
json.dump(out, open(sys.argv[1], "w"))
