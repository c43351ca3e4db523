package dev.pgkeep.spring.web;

/** A request that reached the controller without passing {@link AdminRequestGuard} was refused by its checks. */
public class AdminAccessDeniedException extends RuntimeException {
    private final AdminRefusal refusal;

    public AdminAccessDeniedException(AdminRefusal refusal) {
        super(refusal.detail());
        this.refusal = refusal;
    }

    public AdminRefusal refusal() {
        return refusal;
    }
}
