package dev.taskqueue.claim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClaimBudget}.
 */
class ClaimBudgetTests {

	@Test
	void claimsUnderWayTakeNoMoreThanIsLeftAndGiveBackWhatTheyDidNotGet() {
		ClaimBudget budget = ClaimBudget.of(5);
		assertThat(budget.take(3)).isEqualTo(3);
		assertThat(budget.take(3)).as("2 left while the first claim is under way").isEqualTo(2);
		budget.settle(3, 1);
		assertThat(budget.isSpent()).isFalse();
		assertThat(budget.take(10)).as("the 2 the first claim did not get").isEqualTo(2);
		budget.settle(2, 2);
		budget.settle(2, 2);
		assertThat(budget.isSpent()).isTrue();
		assertThat(budget.take(1)).isZero();
	}

	@Test
	void aBudgetIsNotSpentWhileAClaimHoldsWhatIsLeft() {
		ClaimBudget budget = ClaimBudget.of(2);
		assertThat(budget.take(2)).isEqualTo(2);
		assertThat(budget.isSpent()).as("taken, not yet claimed").isFalse();
		budget.settle(2, 0);
		assertThat(budget.isSpent()).isFalse();
		assertThat(budget.take(2)).isEqualTo(2);
	}

	@Test
	void aClosedBudgetGivesNothing() {
		ClaimBudget budget = ClaimBudget.unlimited();
		assertThat(budget.take(100)).isEqualTo(100);
		budget.settle(100, 100);
		assertThat(budget.isSpent()).isFalse();
		budget.close();
		assertThat(budget.take(1)).isZero();
	}

	@Test
	void aBudgetOfNoTaskIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClaimBudget.of(0)).withMessage("'tasks' must be positive");
	}

}
