"""Training of the local model: the corpus generator and the intent classifier's trainer.

`python -m local_model.training` (or `make train-local-model`) regenerates the corpora from
`libs/local-model/corpus/` and writes the classifier weights into the package.
"""
