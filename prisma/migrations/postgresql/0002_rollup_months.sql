-- CreateTable
CREATE TABLE "RollupMonth" (
    "cellId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "stats" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollupMonth_pkey" PRIMARY KEY ("cellId","month")
);

-- AddForeignKey
ALTER TABLE "RollupMonth" ADD CONSTRAINT "RollupMonth_cellId_fkey" FOREIGN KEY ("cellId") REFERENCES "RollupCell"("id") ON DELETE CASCADE ON UPDATE CASCADE;

