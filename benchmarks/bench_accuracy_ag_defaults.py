"""What do the default recipe's settings buy on the AG News split?

The configuration of ``bench_accuracy_ag.py`` (the embedded AG News split,
6,080 / 1,520, ``max_length=256``, the ``CharCNNClassifier`` defaults)
with one recipe setting changed and the word TF-IDF baseline in the same
run: ``--max-epochs 20`` trains twice as long, ``--no-batch-norm`` trains
without the recipe's training-time batch normalisation.

Run: ``python benchmarks/bench_accuracy_ag_defaults.py --max-epochs 20
--output classifier_ag_defaults_20_epochs`` or ``--no-batch-norm``
(written to ``classifier_ag_no_batch_norm.json``).
"""

from __future__ import annotations

from _accuracy import parser, run

from sklearn_charcnn.compare import load_corpus


def main(argv=None):
    options = parser(__doc__.splitlines()[0], output="classifier_ag_defaults")
    options.set_defaults(models="char-cnn,tfidf-word")
    options.add_argument("--max-epochs", type=int, default=10)
    options.add_argument("--max-length", type=int, default=256)
    options.add_argument("--no-batch-norm", action="store_true")
    args = options.parse_args(argv)
    if args.no_batch_norm and args.output == "classifier_ag_defaults":
        args.output = "classifier_ag_no_batch_norm"
    corpus = load_corpus()
    run(
        args,
        argv,
        corpus.data,
        corpus.target,
        question="accuracy of the default CharCNNClassifier on the AG News split "
        f"({args.max_epochs} epochs"
        + (", without batch normalisation)" if args.no_batch_norm else ")"),
        corpus_name=corpus.name,
        charcnn={
            "max_length": args.max_length,
            "max_epochs": args.max_epochs,
            **({"batch_norm": False} if args.no_batch_norm else {}),
        },
    )


if __name__ == "__main__":
    main()
