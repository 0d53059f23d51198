"""What Qt asks of ICU, asked of one folder of ICU libraries through ctypes, printed one answer a
line: text codecs, collation, case mapping, word breaks (the dictionary-based ones of Thai too).
Run as a program (a fresh process, so that the folder's libraries are the ones loaded):
    python icu_probe.py FOLDER VERSION"""
import ctypes
import sys

folder, version = sys.argv[1], sys.argv[2]
uc = ctypes.CDLL(f"{folder}/libicuuc.so.{version}")
i18n = ctypes.CDLL(f"{folder}/libicui18n.so.{version}")


def call(lib, name, restype, *args):
    fn = getattr(lib, f"{name}_{version}")
    fn.restype = restype
    status = ctypes.c_int(0)
    result = fn(*args, ctypes.byref(status))
    if status.value > 0:                   # U_FAILURE; warnings (fallbacks) are negative
        raise SystemExit(f"{name}{args[:1]}: ICU error {status.value}")
    return result


for codec in (b"ISO-8859-1", b"windows-1252", b"Shift_JIS", b"GB18030", b"KOI8-R", b"EUC-KR"):
    print("codec", codec.decode(), bool(call(uc, "ucnv_open", ctypes.c_void_p, codec)))
words = ["zebra", "Äpfel", "apple", "Zürich", "ångström", "Apple", "éclair", "Ω"]
for locale in (b"", b"en", b"en_US", b"sv", b"de", b"ja"):
    collator = call(i18n, "ucol_open", ctypes.c_void_p, locale)

    def before(a, b):
        return call(i18n, "ucol_strcollUTF8", ctypes.c_int, ctypes.c_void_p(collator), a.encode(), -1, b.encode(), -1)
    order = sorted(words, key=__import__("functools").cmp_to_key(before))
    print("collation", locale.decode() or "root", " ".join(order))
for locale, text in ((b"en", "straße ǆ ﬁ"), (b"tr", "istanbul"), (b"el", "άδικος")):
    casemap = call(uc, "ucasemap_open", ctypes.c_void_p, locale, 0)
    out = ctypes.create_string_buffer(256)
    size = call(uc, "ucasemap_utf8ToUpper", ctypes.c_int, ctypes.c_void_p(casemap), out, 256, text.encode(), -1)
    print("upper", locale.decode(), out.raw[:size].decode())
for locale, text in ((b"en", "Screen the takes, then pick."), (b"th", "สวัสดีครับผมชื่อสมชาย")):
    units = text.encode("utf-16-le")
    buffer = ctypes.create_string_buffer(units, len(units) + 2)
    breaks = call(uc, "ubrk_open", ctypes.c_void_p, 1, locale, buffer, len(units) // 2)   # UBRK_WORD
    ubrk_next = getattr(uc, f"ubrk_next_{version}")
    ubrk_next.restype = ctypes.c_int
    found = []
    while (at := ubrk_next(ctypes.c_void_p(breaks))) != -1:
        found.append(at)
    print("words", locale.decode(), found)
