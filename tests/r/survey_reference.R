# Reference values from R's survey package for tests/stats/test_survey_r.py.
#   Rscript tests/r/survey_reference.R tests/data/mw_survey.csv > tests/data/survey_reference.csv
# Writes one line per value: name,value (15 significant digits). Debian: apt-get install r-cran-survey.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = TRUE)
d$sector <- factor(d$sector)
d$sex <- factor(d$sex)
designs <- list(
  des  = svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, data = d),
  desw = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d),
  des1 = svydesign(ids = ~1, weights = ~weight, data = d)
)
out <- function(name, value) cat(sprintf("%s,%.15g\n", name, value))
cat("name,value\n")
for (dn in names(designs)) {
  D <- designs[[dn]]
  out(paste0(dn, ".degf"), degf(D))
  for (v in c("forced", "docs_held", "debt")) {
    m <- svymean(as.formula(paste0("~", v)), D, deff = TRUE)
    out(paste0(dn, ".mean.", v), coef(m)); out(paste0(dn, ".mean.", v, ".se"), SE(m))
    out(paste0(dn, ".mean.", v, ".deff"), deff(m))
    out(paste0(dn, ".mean.", v, ".deff_replace"), deff(svymean(as.formula(paste0("~", v)), D, deff = "replace")))
    tt <- svytotal(as.formula(paste0("~", v)), D, deff = TRUE)
    out(paste0(dn, ".total.", v), coef(tt)); out(paste0(dn, ".total.", v, ".se"), SE(tt))
    out(paste0(dn, ".total.", v, ".deff"), deff(tt))
  }
  for (v in c("forced", "docs_held")) {
    for (meth in c("logit", "xlogit", "likelihood", "asin", "beta", "mean")) {
      ci <- confint(svyciprop(as.formula(paste0("~", v)), D, method = meth))
      out(paste0(dn, ".ci.", v, ".", meth, ".lower"), ci[1]); out(paste0(dn, ".ci.", v, ".", meth, ".upper"), ci[2])
    }
    ci <- confint(svyciprop(as.formula(paste0("~", v)), D, method = "beta", level = 0.9))
    out(paste0(dn, ".ci90.", v, ".beta.lower"), ci[1]); out(paste0(dn, ".ci90.", v, ".beta.upper"), ci[2])
    ci <- confint(svyciprop(as.formula(paste0("~", v)), D, method = "logit", df = Inf))
    out(paste0(dn, ".ciInf.", v, ".logit.lower"), ci[1]); out(paste0(dn, ".ciInf.", v, ".logit.upper"), ci[2])
  }
  by <- svyby(~forced, ~sex, D, svymean, deff = TRUE)
  for (i in seq_along(levels(d$sex))) {
    g <- levels(d$sex)[i]
    out(paste0(dn, ".by_sex.", g), coef(by)[i]); out(paste0(dn, ".by_sex.", g, ".se"), SE(by)[i])
    out(paste0(dn, ".by_sex.", g, ".deff"), deff(by)[i])
    ci <- confint(svyciprop(~forced, subset(D, sex == g), method = "beta"))
    out(paste0(dn, ".by_sex.", g, ".beta.lower"), ci[1]); out(paste0(dn, ".by_sex.", g, ".beta.upper"), ci[2])
    out(paste0(dn, ".by_sex.", g, ".degf"), degf(subset(D, sex == g)))
  }
  tab <- svytable(~sector + forced, D)
  for (a in rownames(tab)) for (b in colnames(tab)) out(paste0(dn, ".svytable.", a, ".", b), tab[a, b])
  bys <- svyby(~debt, ~sector, D, svymean)
  for (i in seq_along(levels(d$sector))) {
    g <- levels(d$sector)[i]
    out(paste0(dn, ".debt_by_sector.", g), coef(bys)[i]); out(paste0(dn, ".debt_by_sector.", g, ".se"), SE(bys)[i])
  }
  for (tab in list(c("sector", "forced"), c("sex", "wage_theft"))) {
    f <- as.formula(paste0("~", tab[1], "+", tab[2]))
    key <- paste0(dn, ".chisq.", tab[1], "_", tab[2])
    x <- svychisq(f, D, statistic = "F")
    out(paste0(key, ".F"), x$statistic); out(paste0(key, ".F.p"), x$p.value)
    out(paste0(key, ".F.ndf"), x$parameter[1]); out(paste0(key, ".F.ddf"), x$parameter[2])
    x <- svychisq(f, D, statistic = "Chisq")
    out(paste0(key, ".Chisq"), x$statistic); out(paste0(key, ".Chisq.p"), x$p.value)
    for (s in c("Wald", "adjWald")) {
      x <- svychisq(f, D, statistic = s)
      out(paste0(key, ".", s), x$statistic); out(paste0(key, ".", s, ".p"), x$p.value)
      out(paste0(key, ".", s, ".ndf"), x$parameter[1]); out(paste0(key, ".", s, ".ddf"), x$parameter[2])
    }
  }
}
# A stratum with a single PSU: W3 moved into a stratum of its own.
d2 <- d
d2$stratum <- as.character(d2$stratum)
d2$stratum[d2$psu == "W3"] <- "east"
d2$fpc[d2$psu == "W3"] <- 4
d2$stratum <- factor(d2$stratum)
for (policy in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = policy)
  out(paste0("lonely.", policy, ".fpc.se"), SE(svymean(~forced, svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~weight, data = d2))))
  out(paste0("lonely.", policy, ".nofpc.se"), SE(svymean(~forced, svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d2))))
}
