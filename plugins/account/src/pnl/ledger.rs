//! The average-cost arithmetic of one symbol: the fills as the PnL needs
//! them, the running position, cost, realized profit and third-asset
//! commissions they leave, and the completeness checks that compare that
//! position with what the account holds.

use super::{ck, TRADES_LIMIT};
use binance_mcp_plugin::output;
use binance_mcp_plugin::{Decimal, ToolError, Value};
use std::collections::BTreeMap;

/// One fill, as the PnL needs it.
#[derive(Debug, Clone)]
pub(crate) struct Fill {
    pub id: i64,
    pub is_buyer: bool,
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
}

impl Fill {
    pub(super) fn parse(t: &Value) -> Result<Fill, ToolError> {
        let fill = Fill {
            id: output::int(&t["id"])?,
            is_buyer: crate::boolean(&t["isBuyer"])?,
            price: output::decimal(&t["price"])?,
            qty: output::decimal(&t["qty"])?,
            commission: output::decimal(&t["commission"])?,
            commission_asset: output::text(&t["commissionAsset"])?,
        };
        if fill.price.is_sign_negative()
            || fill.qty.is_sign_negative()
            || fill.commission.is_sign_negative()
        {
            return Err(ToolError::bad_exchange_data(format!(
                "trade {} has a negative price, quantity or commission",
                fill.id
            )));
        }
        Ok(fill)
    }
}

/// The running state of one symbol under the average-cost method.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    /// Base quantity held.
    pub position: Decimal,
    /// Total cost of `position`, in the quote asset.
    pub cost: Decimal,
    pub realized: Decimal,
    /// Base sold beyond the known position.
    pub unmatched: Decimal,
    /// Commissions in third assets, by asset.
    pub other: BTreeMap<String, Decimal>,
}

impl Ledger {
    /// Apply one fill of a symbol with base asset `base` and quote `quote`.
    pub(crate) fn apply(&mut self, f: &Fill, base: &str, quote: &str) -> Result<(), ToolError> {
        let fee_in_quote = f.commission_asset == quote;
        let fee_in_base = f.commission_asset == base;
        if f.is_buyer {
            // Cost grows by what was paid, quote-asset commission included.
            self.cost = ck(self.cost.checked_add(ck(f.price.checked_mul(f.qty))?))?;
            self.position = ck(self.position.checked_add(f.qty))?;
            if fee_in_quote {
                self.cost = ck(self.cost.checked_add(f.commission))?;
            } else if fee_in_base {
                // Fewer units received for the same cost: the average rises.
                if f.commission > self.position {
                    return Err(ToolError::bad_exchange_data(format!(
                        "trade {} has a commission larger than the quantity bought",
                        f.id
                    )));
                }
                self.position = ck(self.position.checked_sub(f.commission))?;
            }
        } else {
            let (matched, cost_out) = self.take(f.qty)?;
            let proceeds = ck(f.price.checked_mul(matched))?;
            self.realized = ck(self
                .realized
                .checked_add(ck(proceeds.checked_sub(cost_out))?))?;
            self.unmatched = ck(self.unmatched.checked_add(ck(f.qty.checked_sub(matched))?))?;
            if fee_in_quote {
                self.realized = ck(self.realized.checked_sub(f.commission))?;
            } else if fee_in_base {
                // Base given up for nothing: a loss at the average cost.
                let (m, c) = self.take(f.commission)?;
                self.realized = ck(self.realized.checked_sub(c))?;
                self.unmatched = ck(self.unmatched.checked_add(ck(f.commission.checked_sub(m))?))?;
            }
        }
        if !fee_in_quote && !fee_in_base && !f.commission.is_zero() {
            let slot = self.other.entry(f.commission_asset.clone()).or_default();
            *slot = ck(slot.checked_add(f.commission))?;
        }
        Ok(())
    }

    /// Remove up to `qty` from the position at the average cost; returns the
    /// quantity removed and its cost.
    fn take(&mut self, qty: Decimal) -> Result<(Decimal, Decimal), ToolError> {
        let matched = qty.min(self.position);
        if matched <= Decimal::ZERO {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        }
        let cost_out = if matched == self.position {
            self.cost
        } else {
            // Multiply first: exact whenever the average itself is.
            ck(ck(self.cost.checked_mul(matched))?.checked_div(self.position))?
        };
        self.position = ck(self.position.checked_sub(matched))?;
        self.cost = if self.position.is_zero() {
            Decimal::ZERO
        } else {
            ck(self.cost.checked_sub(cost_out))?
        };
        Ok((matched, cost_out))
    }

    pub(crate) fn average_cost(&self) -> Result<Decimal, ToolError> {
        if self.position.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            ck(self.cost.checked_div(self.position))
        }
    }

    /// position × lastPrice − cost, i.e. position × (lastPrice − averageCost).
    pub(crate) fn unrealized(&self, last: Decimal) -> Result<Decimal, ToolError> {
        ck(ck(self.position.checked_mul(last))?.checked_sub(self.cost))
    }

    /// Every quantity the trades used do not explain, with its reason
    /// (trade_history_limit, sold_beyond_position, held_not_in_trades or
    /// position_not_held): `trades` fills left this ledger and the account
    /// holds `held` of the base asset now.
    pub(crate) fn incomplete(
        &self,
        trades: usize,
        held: Decimal,
    ) -> Result<Vec<(&'static str, Option<Decimal>)>, ToolError> {
        let mut incomplete: Vec<(&'static str, Option<Decimal>)> = Vec::new();
        if (trades as i64) >= TRADES_LIMIT {
            incomplete.push(("trade_history_limit", None));
        }
        if !self.unmatched.is_zero() {
            incomplete.push(("sold_beyond_position", Some(self.unmatched)));
        }
        if held > self.position {
            let q = ck(held.checked_sub(self.position))?;
            incomplete.push(("held_not_in_trades", Some(q)));
        } else if held < self.position {
            let q = ck(self.position.checked_sub(held))?;
            incomplete.push(("position_not_held", Some(q)));
        }
        Ok(incomplete)
    }
}
