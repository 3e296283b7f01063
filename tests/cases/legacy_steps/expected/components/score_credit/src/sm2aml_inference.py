<the sm2aml inference launcher, src/sm2aml/runtime/inference.py>
