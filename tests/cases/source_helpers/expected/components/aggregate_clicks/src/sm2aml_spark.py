<the sm2aml spark launcher, src/sm2aml/runtime/spark.py>
