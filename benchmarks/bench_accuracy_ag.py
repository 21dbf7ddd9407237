"""Does a char-CNN beat TF-IDF + logistic regression on AG News, on a CPU?

The ``compare`` command with its defaults: the 7,600 AG News test articles
shipped with the package (``load_ag_news``), split 80/20 stratified with
``random_state=0`` (6,080 to train on, 1,520 to test on); the char-CNN
(``max_length=256``, 10 epochs, the default recipe) against the tuned
TF-IDF baselines; 95% bootstrap intervals and McNemar's test.

Run: ``python benchmarks/bench_accuracy_ag.py [--set KEY=VALUE ...]``;
``--models tfidf-word,tfidf-char --output accuracy_ag_tfidf`` measures the
baselines alone (seconds).
"""

from __future__ import annotations

from _accuracy import parser, run

from sklearn_charcnn.compare import load_corpus


def main(argv=None):
    args = parser(__doc__.splitlines()[0], output="accuracy_ag").parse_args(argv)
    corpus = load_corpus()
    run(
        args,
        argv,
        corpus.data,
        corpus.target,
        question="char-CNN vs TF-IDF + logistic regression on the AG News split (CPU)",
        corpus_name=corpus.name,
    )


if __name__ == "__main__":
    main()
