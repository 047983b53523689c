-- The path of ids walked so far is the cycle guard: a row never steps back onto it.
WITH RECURSIVE head AS (
  SELECT e.id FROM employees AS e
  WHERE NOT EXISTS (SELECT FROM reports_to AS r WHERE r.employee_id = e.id)
), below (id, depth, path) AS (
  SELECT r.employee_id, 1, ARRAY[h.id, r.employee_id]
  FROM head AS h JOIN reports_to AS r ON r.manager_id = h.id
  UNION ALL
  SELECT r.employee_id, b.depth + 1, b.path || r.employee_id
  FROM below AS b JOIN reports_to AS r ON r.manager_id = b.id
  WHERE r.employee_id <> ALL (b.path)
)
SELECT e.id, e.name, MIN(b.depth) AS depth
FROM below AS b
JOIN employees AS e ON e.id = b.id
GROUP BY e.id, e.name;
