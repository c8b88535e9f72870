-- AlterTable
ALTER TABLE "SubjectKey" ADD COLUMN     "epoch" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Revocation" ADD COLUMN     "epoch" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "RevocationEpoch" (
    "id" INTEGER NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "RevocationEpoch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SubjectKey_epoch_idx" ON "SubjectKey"("epoch");

-- CreateIndex
CREATE INDEX "Revocation_epoch_idx" ON "Revocation"("epoch");


-- The epoch row and the trigger that stamps every revocation write with the next
-- epoch, inside the writing transaction. Processes keep revocation state in memory and
-- compare epochs instead of querying per token (src/revocation/mirror.ts).
INSERT INTO "RevocationEpoch" ("id", "value") VALUES (1, 0);

CREATE FUNCTION "portcullis_stamp_revocation_epoch"() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  UPDATE "RevocationEpoch" SET "value" = "value" + 1 WHERE "id" = 1 RETURNING "value" INTO NEW."epoch";
  RETURN NEW;
END
$$;

CREATE TRIGGER "Revocation_epoch" BEFORE INSERT OR UPDATE ON "Revocation"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_stamp_revocation_epoch"();

CREATE TRIGGER "SubjectKey_epoch" BEFORE INSERT OR UPDATE ON "SubjectKey"
  FOR EACH ROW EXECUTE FUNCTION "portcullis_stamp_revocation_epoch"();
