#!/usr/bin/env python3
"""The vtables of the 1.0 derived types of module voigtspin keep their 1.0.0 layout.

Usage:
  check_fortran_vtab.py dump OBJECT_OR_ARCHIVE            # print the layout (baseline format)
  check_fortran_vtab.py check OBJECT_OR_ARCHIVE BASELINE  # compare with abi/libvoigtspin_f.vtab

A call through `class(vs_lattice_t)` in a program compiled against the module loads the procedure
from a fixed slot of the exported data symbol `__voigtspin_MOD___vtab_voigtspin_Vs_lattice_t`.
gfortran 12 orders the slots by a tree whose shape changes when a binding is added to the type and
when new names are declared above the type, so such a change silently makes old binaries call the
wrong procedure. abidiff does not see it (the vtables are data symbols without Fortran debug info),
the map checks do not either (same symbol names). This check does.

OBJECT_OR_ARCHIVE is the module's object file, or a static archive holding it (the suite 'abi'
passes libvoigtspin_f_symcheck.a, the module objects before linking). For each
`__vtab_voigtspin_*` data symbol it lists every 8-byte word: the relocation target symbol
(procedure, __copy_*, __def_init_*, another vtab) or, without relocation, the literal bytes
(`_hash`, `_size`, null `_extends` / `_final`). Read with a small ELF64 reader, no tools needed.

Baseline format (abi/libvoigtspin_f.vtab, generated from the 1.0.0 release, commit 74a234b): one
line per slot `TYPE OFFSET TARGET`, TARGET either a symbol name or `=0x<16 hex digits>` (the word
as little-endian integer), plus one line `TYPE size BYTES` per type.

Rules (docs/fortran.md, "Binary compatibility of the derived types"): every type of the baseline
must exist with the same vtable size and the same content at every offset. Types not in the
baseline (added after 1.0) are free, with or without type-bound procedures: their vtables are new
symbols. Exit status 0 = compatible, 1 = a 1.0 vtable changed, 2 = usage or unreadable input.
"""
import os
import struct
import sys

VTAB_PREFIX = "__voigtspin_MOD___vtab_voigtspin_"
WORD = 8


# ---------------------------------------------------------------- ELF64 little-endian reader
class Elf:
    def __init__(self, data, name):
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError(f"{name}: not a little-endian ELF64 object")
        self.data = data
        (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
        e_shentsize, e_shnum, e_shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        self.sections = []
        for i in range(e_shnum):
            (sh_name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, sh_info, _align,
             sh_entsize) = struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize)
            self.sections.append(dict(name_off=sh_name, type=sh_type, offset=sh_offset,
                                      size=sh_size, link=sh_link, info=sh_info,
                                      entsize=sh_entsize))
        shstr = self.sections[e_shstrndx]
        for s in self.sections:
            s["name"] = self._str(shstr, s["name_off"])
        self.symbols = []
        for s in self.sections:
            if s["type"] == 2:  # SHT_SYMTAB
                strtab = self.sections[s["link"]]
                for off in range(s["offset"], s["offset"] + s["size"], 24):
                    st_name, st_info, _other, st_shndx, st_value, st_size = struct.unpack_from(
                        "<IBBHQQ", data, off)
                    self.symbols.append(dict(name=self._str(strtab, st_name), type=st_info & 0xF,
                                             shndx=st_shndx, value=st_value, size=st_size))

    def _str(self, sec, off):
        start = sec["offset"] + off
        return self.data[start:self.data.index(b"\0", start)].decode()

    def relocations(self, shndx):
        """{offset: (symbol index, addend)} of the RELA sections applying to section shndx."""
        relocs = {}
        for s in self.sections:
            if s["type"] == 4 and s["info"] == shndx:  # SHT_RELA
                for off in range(s["offset"], s["offset"] + s["size"], 24):
                    r_offset, r_info, r_addend = struct.unpack_from("<QQq", self.data, off)
                    relocs[r_offset] = (r_info >> 32, r_addend)
        return relocs

    def target_name(self, sym_index, addend):
        """A relocation target as a symbol name, resolving section symbols + addend."""
        sym = self.symbols[sym_index]
        if sym["type"] == 3:  # STT_SECTION: find the named symbol at that address
            for cand in self.symbols:
                if cand["shndx"] == sym["shndx"] and cand["value"] == addend and cand["name"] \
                        and cand["type"] in (1, 2):
                    return cand["name"]
            return f"{self.sections[sym['shndx']]['name']}+0x{addend:x}"
        return sym["name"] if addend == 0 else f"{sym['name']}+0x{addend:x}"


def vtables(elf):
    """{type: (size, [(offset, target), ...])} for every __vtab_voigtspin_* symbol defined."""
    found = {}
    for sym in elf.symbols:
        if not sym["name"].startswith(VTAB_PREFIX) or not 0 < sym["shndx"] < 0xFF00:
            continue
        sec = elf.sections[sym["shndx"]]
        relocs = elf.relocations(sym["shndx"])
        slots = []
        for off in range(0, sym["size"], WORD):
            addr = sym["value"] + off
            if addr in relocs:
                slots.append((off, elf.target_name(*relocs[addr])))
            elif sec["type"] == 8:  # SHT_NOBITS
                slots.append((off, "=0x" + "0" * 16))
            else:
                raw = elf.data[sec["offset"] + addr:sec["offset"] + addr + WORD]
                raw = raw + b"\0" * (WORD - len(raw))
                slots.append((off, f"=0x{struct.unpack('<Q', raw)[0]:016x}"))
        found[sym["name"][len(VTAB_PREFIX):]] = (sym["size"], slots)
    return found


def ar_members(data, path):
    """Bytes of each member of a (GNU, possibly thin) ar archive."""
    thin = data.startswith(b"!<thin>\n")
    pos, longnames = 8, b""
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        name = hdr[:16].decode().strip()
        size = int(hdr[48:58].decode().strip())
        pos += 60
        if name == "//":
            longnames = data[pos:pos + size]
        elif name not in ("/", "/SYM64/", "__.SYMDEF"):
            if name.startswith("/") and name[1:].isdigit():
                start = int(name[1:])
                name = longnames[start:longnames.index(b"\n", start)].decode()
            name = name.rstrip("/")
            if thin:
                with open(os.path.join(os.path.dirname(path), name), "rb") as f:
                    yield name, f.read()
                continue
            yield name, data[pos:pos + size]
        if not (thin and name not in ("/", "//", "/SYM64/")):
            pos += size + (size & 1)


def read_layouts(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith((b"!<arch>\n", b"!<thin>\n")):
        members = list(ar_members(data, path))
    else:
        members = [(path, data)]
    layouts = {}
    for name, blob in members:
        if blob[:4] == b"\x7fELF":
            layouts.update(vtables(Elf(blob, name)))
    return layouts


def format_layouts(layouts):
    lines = []
    for typ in sorted(layouts):
        size, slots = layouts[typ]
        lines.append(f"{typ} size {size}")
        lines += [f"{typ} {off} {target}" for off, target in slots]
    return lines


def parse_baseline(path):
    layouts = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            typ, key, value = line.split()
            size, slots = layouts.setdefault(typ, [None, []])
            if key == "size":
                layouts[typ][0] = int(value)
            else:
                slots.append((int(key), value))
    return {t: (s, sl) for t, (s, sl) in layouts.items()}


def check(current, baseline):
    problems = []
    for typ, (size, slots) in sorted(baseline.items()):
        if typ not in current:
            problems.append(f"{typ}: vtable {VTAB_PREFIX}{typ} is gone (a 1.0 type was removed or renamed)")
            continue
        cur_size, cur_slots = current[typ]
        cur = dict(cur_slots)
        moved = [(off, want, cur.get(off, "<missing>")) for off, want in slots if cur.get(off) != want]
        if cur_size != size:
            problems.append(f"{typ}: vtable size {size} -> {cur_size} bytes (a type-bound procedure "
                            "added to or removed from a 1.0 type, or a component changed)")
        if moved:
            problems.append(f"{typ}: {len(moved)} of {len(slots)} slots of the 1.0.0 vtable changed "
                            "(a binary compiled against 1.0 calling through class(...) would call "
                            "the wrong procedure):")
            problems += [f"    offset {off:4d}: 1.0.0 {want}  now {got}" for off, want, got in moved]
    return problems


def main(argv):
    if len(argv) == 3 and argv[1] == "dump":
        print("\n".join(format_layouts(read_layouts(argv[2]))))
        return 0
    if len(argv) != 4 or argv[1] != "check":
        print(__doc__, file=sys.stderr)
        return 2
    current = read_layouts(argv[2])
    baseline = parse_baseline(argv[3])
    if not baseline:
        print(f"{argv[3]}: no vtable in the baseline")
        return 2
    if not current:
        print(f"{argv[2]}: no {VTAB_PREFIX}* symbol (not the module object?)")
        return 2
    problems = check(current, baseline)
    for p in problems:
        print(p)
    new = sorted(set(current) - set(baseline))
    print(f"{len(baseline)} 1.0 vtables checked"
          + (f"; types added since 1.0 (not checked): {', '.join(new)}" if new else "")
          + (": they keep the 1.0.0 layout" if not problems else ": LAYOUT CHANGED"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
