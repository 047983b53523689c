-- Defect: no cycle guard: the two employees who report to each other keep the recursion going until the timeout.
WITH RECURSIVE head AS (
  SELECT e.id FROM employees AS e
  WHERE NOT EXISTS (SELECT FROM reports_to AS r WHERE r.employee_id = e.id)
), below (id, depth) AS (
  SELECT r.employee_id, 1
  FROM head AS h JOIN reports_to AS r ON r.manager_id = h.id
  UNION ALL
  SELECT r.employee_id, b.depth + 1
  FROM below AS b JOIN reports_to AS r ON r.manager_id = b.id
)
SELECT e.id, e.name, MIN(b.depth) AS depth
FROM below AS b
JOIN employees AS e ON e.id = b.id
GROUP BY e.id, e.name;
