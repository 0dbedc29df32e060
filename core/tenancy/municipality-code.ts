/**
 * 全国地方公共団体コード: five digits plus a check digit. The check digit is the last digit of
 * 11 − (Σ digit × weight mod 11) with weights 6,5,4,3,2.
 */
export function municipalityCheckDigit(firstFive: string): number {
  const weights = [6, 5, 4, 3, 2];
  const sum = [...firstFive].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  return (11 - (sum % 11)) % 10;
}

export function isValidMunicipalityCode(code: string): boolean {
  return /^\d{6}$/.test(code) && municipalityCheckDigit(code.slice(0, 5)) === Number(code[5]);
}
