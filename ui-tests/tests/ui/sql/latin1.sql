SELECT 1;

SELECT 'café';
