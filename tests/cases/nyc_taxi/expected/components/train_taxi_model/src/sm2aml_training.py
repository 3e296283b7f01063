<the sm2aml training launcher, src/sm2aml/runtime/training.py>
