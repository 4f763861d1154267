"""Build ``paragraphs.json``: identifier-free prose from the docstrings of fourteen more installed packages.

A second set of package docstrings, cut exactly as ``package_docs_prose`` is (its ``convert.py``
gives the cut: :func:`paragraphs`, :func:`identifying`, :func:`skipped`, :func:`docstrings`), from
packages that set does not read and that are not NumPy (held out as ``numpy_docs_prose``) or too
close to it (SciPy): :data:`PACKAGES`. Up to 30 paragraphs of each package are sampled with
``random.Random(20261205)``. The capitalised words of the sample were read by hand: the
paragraphs naming a person or an organisation are listed in :data:`DROPPED` and removed from the
sample afterwards (so the rest of the sample, which was checked, stays the same).

Run once, from the repository root, with the versions of :data:`PACKAGES` installed (it refuses
others): ``python benchmarks/pii_data/library_docs_prose/convert.py [--site-packages DIR]
[--out DIR]``; it writes ``paragraphs.json``, copies each package's licence files into
``licences/`` and lists them in ``LICENSES.md``. The benchmark and the tests read only what it wrote.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SEED = 20261205
PER_PACKAGE = 30


def _package_docs_cut() -> ModuleType:
    """package_docs_prose's convert.py: the one cut both corpora share (loaded by path, as a script)."""
    spec = importlib.util.spec_from_file_location(
        "package_docs_prose_convert", HERE.parent / "package_docs_prose" / "convert.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_CUT = _package_docs_cut()
paragraphs = _CUT.paragraphs
identifying = _CUT.identifying
skipped = _CUT.skipped
docstrings = _CUT.docstrings
fingerprint = _CUT.fingerprint


# package_docs_prose's records: an installed distribution (directory, distribution, version, licence)
# and a paragraph removed by hand (file, SHA-256 prefix of its text, the name, the reason)
Package = _CUT.Package
Dropped = _CUT.Dropped


# order matters: a paragraph found in two packages is kept in the first
PACKAGES = (
    Package("sklearn", "scikit-learn", "1.9.1", "BSD-3-Clause"),
    Package("torch", "torch", "2.13.0+cpu", "BSD-3-Clause"),
    Package("spacy", "spacy", "3.8.18", "MIT"),
    Package("thinc", "thinc", "8.3.14", "MIT"),
    Package("hypothesis", "hypothesis", "6.170.27", "MPL-2.0"),
    Package("typer", "typer", "0.20.1", "MIT"),
    Package("cryptography", "cryptography", "50.0.2", "Apache-2.0 OR BSD-3-Clause"),
    Package("opacus", "opacus", "1.6.0", "Apache-2.0"),
    Package("fairlearn", "fairlearn", "0.15.0", "MIT"),
    Package("pyarrow", "pyarrow", "26.0.1", "Apache-2.0"),
    Package("starlette", "starlette", "1.3.1", "BSD-3-Clause"),
    Package("anyio", "anyio", "4.16.0", "MIT"),
    Package("urllib3", "urllib3", "2.8.0", "MIT"),
    Package("pygments", "pygments", "2.21.0", "BSD-2-Clause"),
)


DROPPED = (
    Dropped(
        "fairlearn/reductions/_exponentiated_gradient/_lagrangian.py",
        "f6154c48b15c",
        "Lagrange",
        "a person (eponymous multipliers)",
    ),
    Dropped("opacus/optimizers/optimizer.py", "6e5e0e9ba5a5", "Poisson", "a person (eponymous batches)"),
    Dropped("opacus/accountants/analysis/gdp.py", "188608bbf927", "Poisson", "a person (eponymous sampling)"),
    Dropped("opacus/utils/uniform_sampler.py", "5fef57652309", "Poisson", "a person (an eponym)"),
    Dropped("opacus/data_loader.py", "22f36aef0faf", "Poisson", "a person (an eponym)"),
    Dropped("pyarrow/util.py", "11c40c1db14b", "IANA", "an organisation (the time zone database's keeper)"),
    Dropped("pygments/formatters/rtf.py", "6d6a21ac7576", "Microsoft", "an organisation (a vendor)"),
    Dropped("pygments/styles/lovelace.py", "3ef0a6250568", "Lovelace", "a person (a namesake)"),
    Dropped(
        "sklearn/linear_model/_stochastic_gradient.py",
        "8748b9f446fa",
        "Zadrozny|Elkan",
        "two people (the authors of a method)",
    ),
    Dropped("spacy/pipeline/entityruler.py", "c7fd6a8fac7d", "Apple", "an organisation (an example entity)"),
)


def dropped(file: str, text: str) -> Any:
    """The :data:`DROPPED` entry of a paragraph, if it is one (else None)."""
    return _CUT.dropped(file, text, DROPPED)


def main(argv: Sequence[str] | None = None) -> None:
    """package_docs_prose's writer, given this corpus's folder, packages, dropped paragraphs and seed."""
    _CUT.main(argv, here=HERE, packages=PACKAGES, entries=DROPPED, seed=SEED, doc=__doc__)


if __name__ == "__main__":
    main()
