-- Variant: a file that writes. It runs read-only, fails its own check, and the products the other tasks read stay.
DELETE FROM products WHERE category = 'Garden';
