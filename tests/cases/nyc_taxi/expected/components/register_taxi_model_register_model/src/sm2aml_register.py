<the sm2aml register launcher, src/sm2aml/runtime/register.py>
