-- One physical lot, one canonical id: an InventoryLot with a compliance label (the Metrc package tag) takes its
-- canonical id from the label, so the Distru package and the Metrc package of the same lot share it (one row per
-- source, both with that id). canonical_id is therefore no longer unique in inventory_lots.
ALTER TABLE reporting.inventory_lots DROP CONSTRAINT inventory_lots_canonical_id_key;
CREATE INDEX inventory_lots_canonical_id ON reporting.inventory_lots (canonical_id);

-- Amounts in one unit per kind, for comparing systems that state them differently: weights in grams, volumes in
-- millilitres, counts as each (exact factors, as source/metrc/MetrcUnits). Unknown units give NULL.
CREATE FUNCTION reporting.base_unit(unit text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE lower(unit)
        WHEN 'g' THEN 'g' WHEN 'gram' THEN 'g' WHEN 'grams' THEN 'g'
        WHEN 'mg' THEN 'g' WHEN 'milligram' THEN 'g' WHEN 'milligrams' THEN 'g'
        WHEN 'kg' THEN 'g' WHEN 'kilogram' THEN 'g' WHEN 'kilograms' THEN 'g'
        WHEN 'oz' THEN 'g' WHEN 'ounce' THEN 'g' WHEN 'ounces' THEN 'g'
        WHEN 'eighth' THEN 'g'
        WHEN 'lb' THEN 'g' WHEN 'pound' THEN 'g' WHEN 'pounds' THEN 'g'
        WHEN 'ml' THEN 'ml' WHEN 'milliliter' THEN 'ml' WHEN 'milliliters' THEN 'ml'
        WHEN 'l' THEN 'ml' WHEN 'liter' THEN 'ml' WHEN 'liters' THEN 'ml'
        WHEN 'each' THEN 'each' WHEN 'ea' THEN 'each'
    END
$$;

CREATE FUNCTION reporting.to_base_quantity(amount numeric, unit text) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
    SELECT amount * CASE lower(unit)
        WHEN 'g' THEN 1 WHEN 'gram' THEN 1 WHEN 'grams' THEN 1
        WHEN 'mg' THEN 0.001 WHEN 'milligram' THEN 0.001 WHEN 'milligrams' THEN 0.001
        WHEN 'kg' THEN 1000 WHEN 'kilogram' THEN 1000 WHEN 'kilograms' THEN 1000
        WHEN 'oz' THEN 28.349523125 WHEN 'ounce' THEN 28.349523125 WHEN 'ounces' THEN 28.349523125
        WHEN 'eighth' THEN 3.543690390625
        WHEN 'lb' THEN 453.59237 WHEN 'pound' THEN 453.59237 WHEN 'pounds' THEN 453.59237
        WHEN 'ml' THEN 1 WHEN 'milliliter' THEN 1 WHEN 'milliliters' THEN 1
        WHEN 'l' THEN 1000 WHEN 'liter' THEN 1000 WHEN 'liters' THEN 1000
        WHEN 'each' THEN 1 WHEN 'ea' THEN 1
    END
$$;

-- Per compliance label: what Distru holds against what Metrc holds, in one unit. status: match, quantity differs,
-- units differ (a weight against a count), only in distru, only in metrc. Metrc packages no longer active
-- (packages.inactive: finished, discontinued) are left out; so are lots without a label.
CREATE VIEW reporting.v_inventory_reconciliation AS
WITH distru AS (
    SELECT label, sum(reporting.to_base_quantity(quantity, quantity_unit)) AS quantity,
           min(reporting.base_unit(quantity_unit)) AS unit
      FROM reporting.inventory_lots
     WHERE source_system = 'distru' AND label IS NOT NULL
     GROUP BY label
), metrc AS (
    SELECT label, sum(reporting.to_base_quantity(quantity, quantity_unit)) AS quantity,
           min(reporting.base_unit(quantity_unit)) AS unit
      FROM reporting.inventory_lots
     WHERE source_system = 'metrc' AND label IS NOT NULL AND status <> 'inactive'
     GROUP BY label
)
SELECT label,
       d.quantity AS distru_quantity,
       m.quantity AS metrc_quantity,
       coalesce(m.unit, d.unit) AS unit,
       CASE WHEN d.unit = m.unit THEN m.quantity - d.quantity END AS difference,
       CASE WHEN d.label IS NULL THEN 'only in metrc'
            WHEN m.label IS NULL THEN 'only in distru'
            WHEN d.unit IS DISTINCT FROM m.unit THEN 'units differ'
            WHEN d.quantity = m.quantity THEN 'match'
            ELSE 'quantity differs' END AS status
  FROM distru d FULL JOIN metrc m USING (label);
