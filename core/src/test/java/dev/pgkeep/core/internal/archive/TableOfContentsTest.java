package dev.pgkeep.core.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgkeep.core.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Selection over a listing of pg_restore 15 (--list --verbose) of a schema made for this test. */
class TableOfContentsTest {
    static final TableOfContents TOC = TableOfContents.parse(List.of(
            "3370; 0 0 ENCODING - ENCODING ",
            "3371; 0 0 STDSTRINGS - STDSTRINGS ",
            "3372; 0 0 SEARCHPATH - SEARCHPATH ",
            "3373; 1262 16424 DATABASE - t2 postgres",
            "6; 2615 16425 SCHEMA - shop postgres",
            "843; 1247 16427 TYPE shop state postgres",
            ";\tdepends on: 6",
            "220; 1255 16460 FUNCTION shop touch() postgres",
            ";\tdepends on: 6",
            "218; 1259 16441 TABLE shop orders postgres",
            ";\tdepends on: 843 843 6",
            "3374; 0 0 COMMENT shop TABLE orders postgres",
            ";\tdepends on: 218",
            "219; 1259 16456 VIEW shop big_orders postgres",
            ";\tdepends on: 218 218 218 218 843 6",
            "216; 1259 16432 TABLE shop customers postgres",
            ";\tdepends on: 6",
            "215; 1259 16431 SEQUENCE shop customers_id_seq postgres",
            ";\tdepends on: 6 216",
            "3375; 0 0 SEQUENCE OWNED BY shop customers_id_seq postgres",
            ";\tdepends on: 215",
            "217; 1259 16440 SEQUENCE shop orders_id_seq postgres",
            ";\tdepends on: 218 6",
            "3211; 2604 16435 DEFAULT shop customers id postgres",
            ";\tdepends on: 215 216 216",
            "3365; 0 16432 TABLE DATA shop customers postgres",
            ";\tdepends on: 216",
            "3367; 0 16441 TABLE DATA shop orders postgres",
            ";\tdepends on: 218",
            "3376; 0 0 SEQUENCE SET shop customers_id_seq postgres",
            ";\tdepends on: 215",
            "3377; 0 0 SEQUENCE SET shop orders_id_seq postgres",
            ";\tdepends on: 217",
            "3215; 2606 16439 CONSTRAINT shop customers customers_pkey postgres",
            ";\tdepends on: 216",
            "3217; 2606 16449 CONSTRAINT shop orders orders_pkey postgres",
            ";\tdepends on: 218",
            "3218; 1259 16455 INDEX shop orders_state postgres",
            ";\tdepends on: 218",
            "3220; 2620 16461 TRIGGER shop orders orders_touch postgres",
            ";\tdepends on: 218 220",
            "3219; 2606 16450 FK CONSTRAINT shop orders orders_customer_id_fkey postgres",
            ";\tdepends on: 3215 218 216",
            "3390; 1259 16500 TABLE public my table app"));

    static List<String> selected(TableOfContents.Selection s) {
        return TOC.entries().stream()
                .filter(e -> s.ids().contains(e.id()))
                .map(TableOfContents.Entry::describe)
                .toList();
    }

    @Test
    void parsesMultiWordDescriptionsNamesWithSpacesAndDependencies() {
        TableOfContents.Entry fk =
                TOC.entries().stream().filter(e -> e.id() == 3219).findFirst().orElseThrow();
        assertThat(fk.desc()).isEqualTo("FK CONSTRAINT");
        assertThat(fk.namespace()).isEqualTo("shop");
        assertThat(fk.tag()).isEqualTo("orders orders_customer_id_fkey");
        assertThat(fk.owner()).isEqualTo("postgres");
        assertThat(fk.deps()).containsExactly(3215, 218, 216);
        TableOfContents.Entry spaced =
                TOC.entries().stream().filter(e -> e.id() == 3390).findFirst().orElseThrow();
        assertThat(spaced.tag()).isEqualTo("my table");
        assertThat(spaced.owner()).isEqualTo("app");
    }

    @Test
    void aTableIntoANewDatabaseBringsWhatBelongsToItAndWhatItNeedsButNoOtherTable() {
        TableOfContents.Selection s =
                TOC.select(List.of(TableOfContents.TableName.parse("shop.orders")), List.of(), true);
        assertThat(selected(s))
                .containsExactly(
                        "ENCODING - ENCODING",
                        "STDSTRINGS - STDSTRINGS",
                        "SEARCHPATH - SEARCHPATH",
                        "SCHEMA - shop",
                        "TYPE shop state",
                        "FUNCTION shop touch()",
                        "TABLE shop orders",
                        "COMMENT shop TABLE orders",
                        "VIEW shop big_orders",
                        "SEQUENCE shop orders_id_seq",
                        "TABLE DATA shop orders",
                        "SEQUENCE SET shop orders_id_seq",
                        "CONSTRAINT shop orders orders_pkey",
                        "INDEX shop orders_state",
                        "TRIGGER shop orders orders_touch");
        assertThat(s.leftOut())
                .containsExactly("FK CONSTRAINT shop orders orders_customer_id_fkey (needs TABLE shop customers)");
    }

    @Test
    void intoAnExistingDatabaseTheForeignKeyComesAndThePrerequisitesAreExpectedThere() {
        TableOfContents.Selection s =
                TOC.select(List.of(TableOfContents.TableName.parse("shop.customers")), List.of(), false);
        assertThat(selected(s))
                .contains(
                        "TABLE shop customers",
                        "SEQUENCE shop customers_id_seq",
                        "SEQUENCE OWNED BY shop customers_id_seq",
                        "DEFAULT shop customers id",
                        "TABLE DATA shop customers",
                        "SEQUENCE SET shop customers_id_seq",
                        "CONSTRAINT shop customers customers_pkey",
                        // orders' foreign key to it: dropped before the table, created again after it
                        "FK CONSTRAINT shop orders orders_customer_id_fkey")
                .doesNotContain("SCHEMA - shop", "TABLE shop orders", "TABLE DATA shop orders");
        assertThat(s.leftOut()).isEmpty();
    }

    @Test
    void aSchemaSelectsEverythingInIt() {
        TableOfContents.Selection s = TOC.select(List.of(), List.of("shop"), true);
        assertThat(selected(s))
                .contains(
                        "TABLE shop customers",
                        "TABLE shop orders",
                        "FK CONSTRAINT shop orders" + " orders_customer_id_fkey")
                .doesNotContain("TABLE public my table", "DATABASE - t2");
        assertThat(s.leftOut()).isEmpty();
    }

    @Test
    void unknownNamesAreBadInputNamingWhatExists() {
        assertThatThrownBy(() -> TOC.select(List.of(TableOfContents.TableName.parse("shop.order")), List.of(), true))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no table shop.order")
                .hasMessageContaining("shop.orders");
        assertThatThrownBy(() -> TOC.select(List.of(), List.of("shp"), true))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("[shop]");
        assertThatThrownBy(() -> TableOfContents.TableName.parse("a.b.c")).isInstanceOf(BadInputException.class);
    }
}
