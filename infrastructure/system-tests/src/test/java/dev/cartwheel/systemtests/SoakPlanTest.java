package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The soak's plan is a function of its seed: ids, keys, paths and every choice, whatever thread carries it out. */
class SoakPlanTest {

    @Test
    void theSameSeed_givesTheSamePlan_anotherSeedAnotherOne() {
        // GIVEN / WHEN
        SoakPlan once = SoakPlan.of(42, 300);
        SoakPlan again = SoakPlan.of(42, 300);
        SoakPlan other = SoakPlan.of(43, 300);

        // THEN
        assertThat(again).isEqualTo(once);
        assertThat(again.digest()).isEqualTo(once.digest());
        assertThat(other.digest()).isNotEqualTo(once.digest());
        assertThat(other.orders()).extracting(SoakPlan.Planned::orderId)
                .doesNotContainAnyElementsOf(once.orders().stream().map(SoakPlan.Planned::orderId).toList());
    }

    @Test
    void aLongerPlan_beginsWithTheShorterOne() {
        assertThat(SoakPlan.of(7, 5000).orders().subList(0, 300)).isEqualTo(SoakPlan.of(7, 300).orders());
    }

    @Test
    void everyPathIsTaken_evenInTheSmallestPlan_andOrderIdsAndKeysAreUniqueAndWellFormed() {
        SoakPlan plan = SoakPlan.of(1, SoakPlan.Path.values().length);

        assertThat(plan.orders()).extracting(SoakPlan.Planned::path).containsExactlyInAnyOrder(SoakPlan.Path.values());
        SoakPlan big = SoakPlan.of(1, 5000);
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        big.orders().forEach(order -> {
            ids.add(order.orderId());
            keys.add(order.idempotencyKey());
        });
        assertThat(ids).hasSize(5000).allMatch(id -> id.matches("ord_[0-9a-f-]{36}"));
        assertThat(keys).hasSize(5000);
        assertThatThrownBy(() -> SoakPlan.of(1, SoakPlan.Path.values().length - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refundsNeverAskForMoreThanTheOrderTotal_andFullRefundsAskForExactlyIt() {
        SoakPlan plan = SoakPlan.of(9, 2000);

        plan.orders().forEach(order -> {
            long asked = order.refunds().stream().mapToLong(Long::longValue).sum();
            assertThat(order.refunds()).allMatch(amount -> amount > 0);
            assertThat(asked).as(order.toString()).isLessThanOrEqualTo(order.total());
            if (order.path() == SoakPlan.Path.FULL_REFUND) {
                assertThat(asked).isEqualTo(order.total());
            }
            if (order.path() == SoakPlan.Path.PARTIAL_REFUNDS) {
                assertThat(asked).isLessThan(order.total());
            }
        });
    }

    @Test
    void theClientsShares_partitionThePlan() {
        SoakPlan plan = SoakPlan.of(3, 101);

        List<SoakPlan.Planned> all = IntStream.range(0, 4).boxed().flatMap(c -> plan.share(c, 4).stream()).toList();

        assertThat(all).containsExactlyInAnyOrderElementsOf(plan.orders());
        assertThat(plan.share(1, 4)).allMatch(order -> order.index() % 4 == 1);
    }
}
