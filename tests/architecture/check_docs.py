#!/usr/bin/python3
"""The repository's documents are what its code cites, and docs/ARCHITECTURE.md is true:
- every `docs/<name>.md [section]` cited in the sources, tests, scripts and docs names a
  document of this repository and, when a section is given, a heading with that number;
- nothing cites a document outside the repository;
- every source file under src/ that writes files is listed under "Where files are written" in
  docs/ARCHITECTURE.md, and every file listed there exists and still writes.
Usage: check_docs.py SOURCE_DIR"""
import re
import sys
from pathlib import Path

CITATION = re.compile(r"docs/([A-Za-z0-9_-]+\.md)(?: (\d+(?:\.\d+)*)(?![\d.]*\d))?")
OUTSIDE = re.compile(r"\.\./shared|shared/spec|STYLE\.md")
WRITES = re.compile(r"write_file(?:_atomic|_no_follow(?:_at)?)?\(|O_CREAT|O_TMPFILE|mkfifo\(|mkd?temp\(|"
                    r"make_dirs\(|ParallelFileWriter\(|fs::copy\(|std::ofstream|fopen\(|::rename\(")
SCANNED = ("src", "include", "python", "share", "tests", "bench", "scripts", "cmake", "docs", "README.md",
           "Makefile", "CMakeLists.txt", "pyproject.toml")
SKIPPED = ("tests/python/upstream/", "tests/architecture/check_docs.py")
TEXT = (".cpp", ".hpp", ".h", ".py", ".md", ".sh", ".cmake", ".txt", ".toml", ".yml", ".yaml", ".j2", "")


def scanned_files(source):
    for top in SCANNED:
        path = source / top
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            rel = file.relative_to(source).as_posix()
            if file.suffix in TEXT and not rel.startswith(SKIPPED) and "/__pycache__/" not in rel:
                yield rel, file


def sections(doc):
    numbers = set()
    for line in doc.read_text().splitlines():
        found = re.match(r"#+ (\d+(?:\.\d+)*)\.? ", line)
        if found:
            numbers.add(found.group(1))
    return numbers


def check_citations(source, problems):
    docs = {doc.name: sections(doc) for doc in (source / "docs").glob("*.md")}
    count = 0
    for rel, file in scanned_files(source):
        try:
            text = file.read_text()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                problems.append(f"{rel}:{number}: cites a document outside the repository")
            for found in CITATION.finditer(line):
                name, section = found.group(1), found.group(2)
                count += 1
                if name not in docs:
                    problems.append(f"{rel}:{number}: docs/{name} does not exist")
                elif section and section not in docs[name]:
                    problems.append(f"{rel}:{number}: docs/{name} has no section {section}")
    return count


def check_writers(source, problems):
    text = (source / "docs" / "ARCHITECTURE.md").read_text()
    found = re.search(r"^## Where files are written\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not found:
        problems.append("docs/ARCHITECTURE.md: no section 'Where files are written'")
        return
    listed = set()
    for row in found.group(1).splitlines():
        if row.startswith("| `src/"):
            listed.update(re.findall(r"`(src/[^`]+\.cpp)`", row.split("|")[1]))
    writers = {p.relative_to(source).as_posix() for p in (source / "src").rglob("*.cpp")
               if WRITES.search(p.read_text())}
    for path in sorted(writers - listed):
        problems.append(f"{path} writes files but is not listed in docs/ARCHITECTURE.md 'Where files are written'")
    for path in sorted(listed - writers):
        problems.append(f"docs/ARCHITECTURE.md 'Where files are written' lists {path}, which writes no files")


def main():
    source = Path(sys.argv[1]).resolve()
    problems = []
    count = check_citations(source, problems)
    check_writers(source, problems)
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print(f"{count} citations of docs/ checked; the writers of files match docs/ARCHITECTURE.md")


if __name__ == "__main__":
    main()
