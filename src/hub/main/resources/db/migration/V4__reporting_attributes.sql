-- Extra source fields an integration engineer declares in config/mappings/SOURCE-STREAM.yaml (no code, no
-- migration): attribute name -> JSON value as the source sent it. Empty ({}) unless declared. docs/extending.md.
ALTER TABLE reporting.strains        ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.companies      ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.locations      ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.products       ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.batches        ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.inventory_lots ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.stock_levels   ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
ALTER TABLE reporting.orders         ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}';
