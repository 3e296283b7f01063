<the sm2aml processing launcher, src/sm2aml/runtime/processing.py>
