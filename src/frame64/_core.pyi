"""Type stubs for frame64._core, the compiled backend (cpp/bindings/*.cpp).

Keep in step with the bindings: tests/test_typing.py checks that this file
names exactly what the compiled module exports.
"""

from typing_extensions import Buffer

__version__: str
turbojpeg_version: str
TJPF: dict[str, int]
TJSAMP: dict[str, int]

class JpegError(RuntimeError): ...

# base64 (bind_base64.cpp)
def b64encode(data: Buffer, c62: int = 43, c63: int = 47) -> bytes: ...
def b64encode_str(data: Buffer, prefix: str = "") -> str: ...
def b64decode(data: str | Buffer, strict: bool = False) -> bytes: ...
def simd() -> str: ...
def set_simd(name: str) -> None: ...
def compiled_simd() -> list[str]: ...
def supported_simd() -> list[str]: ...

# JPEG (bind_jpeg.cpp)
def encode_jpeg(
    image: Buffer,
    pixel_format: int,
    quality: int,
    subsampling: int,
    fast_dct: bool,
    progressive: bool,
    data_uri: bool,
) -> str: ...
