#!/usr/bin/env python3
"""The house rule of lib/: data flows common → elastic → coupling → {meanfield, lattice}, and no file
includes or calls upward (docs/architecture.md draws the layers).

Two levels are checked, from the source text alone (no build needed):

1. Folders. Each folder of lib/ has a rank (FOLDERS). A file may include a header of its own folder
   or of a folder of lower rank, and may call an internal `vs__*` function or a public `vs_<handle>_*`
   function only if it belongs to its own folder or to a lower one. Folders of equal rank
   (meanfield, lattice) never see each other.
2. Files inside a folder. Each folder lists its files bottom → top, in the first comment of its
   internal header (or in ORDER below): a file may call the
   internal functions of files listed before it, never of files listed after it, so a folder reads as
   "one internal header, files that each do one job" without call loops. Every .c file must be listed.

Usage: check_layering.py LIB_DIR          exit 0 = layered, 1 = violations, 2 = usage
"""
import pathlib
import re
import sys

# Rank of each folder of lib/ (lower = closer to the ground).
FOLDERS = {"common": 0, "elastic": 1, "rfot": 1, "coupling": 2, "meanfield": 3, "lattice": 3, "sampler": 4, "mpi": 5}

# Public function prefixes and the folder that implements them.
PUBLIC = [("vs_elastic_", "elastic"), ("vs_coupling_", "coupling"), ("vs_sphere_", "coupling"),
          ("vs_meanfield_", "meanfield"), ("vs_gprofile_", "meanfield"), ("vs_oscillator_", "meanfield"),
          ("vs_lattice_", "lattice"), ("vs_fftw_", "lattice"), ("vs_rfot_", "rfot"),
          ("vs_sampler_", "sampler"), ("vs_mpi_", "mpi")]

# Files of each folder, bottom → top, for folders whose internal header does not list them. A folder's
# internal header may list its files in its first comment, one per line ("*   name.c   job"), bottom
# → top; that list wins (it is where a reader of the folder looks).
ORDER = {
    "common": ["error.c", "linalg.c", "solve.c", "version.c"],
    "elastic": ["elastic.c"],
    "rfot": ["rfot.c"],
}

DEF = re.compile(r"^(?!static\b)[A-Za-z_][\w \t\*]*?\b(vs__\w+)\s*\(", re.M)
CALL = re.compile(r"\b(vs_{1,2}[a-z]\w*)\s*\(")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip(text):
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    lib = pathlib.Path(argv[1])
    errors = []
    sources = sorted(p for p in lib.rglob("*.[ch]") if p.parent != lib)
    folder_of = {p: p.parent.relative_to(lib).parts[0] for p in sources}
    for p, f in folder_of.items():
        if f not in FOLDERS:
            errors.append(f"{p}: folder '{f}' has no rank in check_layering.py FOLDERS")
    order_of = dict(ORDER)
    for h in sorted(p for p in sources if p.suffix == ".h"):
        first = re.search(r"/\*.*?\*/", h.read_text(), flags=re.S)
        listed = re.findall(r"^\s*\*\s+(\w+\.c)\s", first.group(0), flags=re.M) if first else []
        if listed:
            order_of[folder_of[h]] = listed
    texts = {p: strip(p.read_text()) for p in sources}
    # Where each internal function is defined: (folder, file name).
    owner = {}
    for p, t in texts.items():
        if p.suffix == ".c":
            for name in DEF.findall(t):
                owner[name] = (folder_of[p], p.name)
    for p, t in texts.items():
        f = folder_of[p]
        rank = FOLDERS.get(f, 99)
        rel = p.relative_to(lib)
        for inc in INCLUDE.findall(t):
            cand = [lib / inc, p.parent / inc]
            target = next((c for c in cand if c.exists()), None)
            if target is None:
                continue
            tf = target.relative_to(lib).parts[0] if target.parent != lib else None
            if tf is None:
                errors.append(f"{rel}: includes {inc} from the top of lib/ (belongs in a folder)")
            elif tf != f and FOLDERS.get(tf, 99) >= rank:
                errors.append(f"{rel}: includes {inc} of '{tf}', which is not below '{f}'")
        order = order_of.get(f, [])
        if p.suffix == ".c" and p.name not in order:
            errors.append(f"{rel}: not in the bottom → top file list of '{f}' (its internal header or ORDER)")
        for name in set(CALL.findall(t)):
            if name.startswith("vs__"):
                if name not in owner:
                    continue
                of, ofile = owner[name]
            else:
                of = next((folder for pre, folder in PUBLIC if name.startswith(pre)), None)
                ofile = None
                if of is None:
                    continue
            if of != f:
                if FOLDERS.get(of, 99) >= rank:
                    errors.append(f"{rel}: calls {name} of '{of}', which is not below '{f}'")
            elif ofile and p.suffix == ".c" and ofile != p.name and p.name in order and ofile in order:
                if order.index(ofile) > order.index(p.name):
                    errors.append(f"{rel}: calls {name} of {ofile}, which is above it in the file order of '{f}'")
    for e in errors:
        print(e)
    print(f"{len(sources)} files checked, {len(errors)} layering violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
