package com.canopyhub.canonical;

import java.math.BigDecimal;

/** Potency figures of a lab test attached to a lot or batch; percentages are 0..100, milligram figures per unit. */
public record TestResult(String documentName, BigDecimal thcPercentage, BigDecimal thcPercentageTotal,
                         BigDecimal cbdPercentage, BigDecimal cbdPercentageTotal,
                         BigDecimal thcMgPerUnit, BigDecimal thcMgPerUnitTotal,
                         BigDecimal cbdMgPerUnit, BigDecimal cbdMgPerUnitTotal, String mgPerUnitType) {
}
