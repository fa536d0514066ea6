// The name-and-value shape of gitleaks' vendor rules (its utils.GenerateSemiGenericRegex,
// github.com/gitleaks/gitleaks, MIT License, Copyright (c) 2019 Zachary Rice): after a vendor's
// name, the rest of the name, an operator and the value's opening quote. It covers the forms
// gitleaks' samples use: `VENDOR_TOKEN=`, `"vendor_token": "`, `var vendorToken string = "`,
// `vendorToken := \``, `$vendorToken .= "`, `VENDOR_TOKEN ?= "`, `::=`, `"vendorToken" => "`,
// `setProperty("VENDOR_TOKEN", "` and an XML element whose value is on the next line
// (`<vendorToken>\n    value`): rules using it are multiline with a one-line window.

/** After the name: the rest of it (words, dots, dashes, blanks), quotes, an operator, the value's quote or blanks. */
export const KEYED_ASSIGN = String.raw`[ \t\w.-]{0,20}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}`;

/** What follows a vendor name where KEYED_ASSIGN can match (a keywordThen): the prefilter passes over other hits. */
export const KEYED_THEN = String.raw`[ \t\w.-]{0,60}[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`;
