-- Defect: ROW_NUMBER gives tied prices different ranks.
SELECT category, id, price,
       ROW_NUMBER() OVER (PARTITION BY category ORDER BY price DESC) AS price_rank
FROM products;
