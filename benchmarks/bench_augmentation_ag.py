"""Does thesaurus augmentation help the char-CNN on the small AG News split?

The AG News split of ``bench_accuracy_ag.py`` (6,080 / 1,520), the char-CNN
alone (``max_length=256``, 10 epochs), trained on all training documents
with no internal validation split and no early stopping, so that augmented
copies of a document never sit on both sides of a validation split and
every variant trains for the same number of epochs. ``--augment N`` puts
``ThesaurusAugmenter(n_copies=N)`` (WordNet, ``p = q = 0.5``) first in the
pipeline: the originals plus N augmented copies of each; ``--augment 0`` is
the reference without augmentation. Each run writes its own result,
``augmentation_ag_n<N>.json`` (``augmentation_ag_none.json`` for N = 0).

Run: ``python benchmarks/bench_augmentation_ag.py --augment 0`` (then
``--augment 2``); needs WordNet for N > 0.
"""

from __future__ import annotations

from _accuracy import parser, run
from _common import find_wordnet

from sklearn_charcnn.compare import load_corpus


def main(argv=None):
    options = parser(__doc__.splitlines()[0], output="")
    options.set_defaults(models="char-cnn")
    options.add_argument("--augment", type=int, required=True, metavar="N")
    args = options.parse_args(argv)
    if not args.output:
        args.output = (
            f"augmentation_ag_n{args.augment}"
            if args.augment
            else "augmentation_ag_none"
        )
    if args.augment:
        find_wordnet()
    corpus = load_corpus()
    run(
        args,
        argv,
        corpus.data,
        corpus.target,
        question="Does WordNet synonym augmentation help the char-CNN on AG News?",
        corpus_name=corpus.name,
        charcnn={"validation_fraction": 0.0, "early_stopping": False},
        augment=args.augment,
    )


if __name__ == "__main__":
    main()
