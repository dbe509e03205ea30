import { useI18n } from "./i18n_context.ts";

/** Props of {@linkcode LoadMore}. */
export interface LoadMoreProps {
  /** What the button says while idle ("Load more", "More rooms"). */
  label: string;
  /** True while a page is loading: the button is disabled and says so. */
  loading: boolean;
  /** Loads the next page. */
  onLoad: () => void;
  /** `data-testid` of the button. */
  testId: string;
}

/** The button under a paged sidebar list that loads its next page. */
export default function LoadMore({ label, loading, onLoad, testId }: LoadMoreProps) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      class="link-button load-more"
      data-testid={testId}
      disabled={loading}
      onClick={onLoad}
    >
      {loading ? t("common.loading") : label}
    </button>
  );
}
