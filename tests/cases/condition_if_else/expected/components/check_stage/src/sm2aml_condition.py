<the sm2aml condition launcher, src/sm2aml/runtime/condition.py>
