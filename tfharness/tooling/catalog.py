"""The component catalog from the command line.

python -m tfharness.tooling.catalog                    # name, first-party / adopted /
                                                       # shared module, path
python -m tfharness.tooling.catalog --copy vpc DEST    # the component and its local
                                                       # modules, laid out as in the project;
                                                       # prints where to run Terraform
"""

from __future__ import annotations

from pathlib import Path

from tfharness.planning.components import (
    all_components,
    copy_component,
    find_component,
    shared_modules,
)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="The component catalog of this project")
    parser.add_argument(
        "--copy",
        nargs=2,
        metavar=("COMPONENT", "DEST"),
        help="copy a component with its local modules to DEST; print where to run Terraform",
    )
    args = parser.parse_args(argv)
    if args.copy:
        print(copy_component(find_component(args.copy[0]), Path(args.copy[1])))
        return 0
    for component in all_components():
        kind = "first-party" if component.first_party else "adopted"
        print(f"{component.name}\t{kind}\t{component.path}")
    for module in shared_modules():
        print(f"{module.name}\tshared module\t{module.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
